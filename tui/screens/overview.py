"""Every run at a glance: how far, whose turn, how long, what is late."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from soptrack.services.labels import STATE_TEXT, bar, minutes
from soptrack.sop.errors import SoptrackError
from soptrack.sop.status import RunStatus
from soptrack.tui.navigation import navigator
from soptrack.tui.store_calls import off_loop
from soptrack.tui.widgets.keybar import KeyBar

# (title, width); None = shares what is left of the screen's width.
COLUMNS: tuple[tuple[str, int | None], ...] = (
    ("Run", 6),
    ("Judul · SOP", None),
    ("Kemajuan · waktu", 22),
    ("Kini · menunggu", None),
    ("Telat", 7),
)


def _cut(text: str, style: str = "") -> Text:
    return Text(text, style=style, no_wrap=True, overflow="ellipsis")


def _two(first: Text, second: Text) -> Text:
    return Text.assemble(first, "\n", second, no_wrap=True, overflow="ellipsis")


def row_of(status: RunStatus) -> list[Text]:
    run = status.run
    current = status.current
    if current is None:
        now = _cut("✓ selesai semua")
        waiting = _cut("-")
    else:
        now = _cut(f"{current.number}. {current.label}")
        waiting = _cut(f"{STATE_TEXT[current.state]} · {status.waiting_on}")
    late = _cut(f"{status.late_count} TELAT", "bold") if status.late_count else _cut("-")
    over = status.elapsed_minutes > status.standard_minutes
    return [
        Text(f"{run.id}\n{run.year}"),
        _two(_cut(run.title, "bold"), _cut(status.sop.name)),
        _two(
            _cut(f"{bar(status.done, status.total, 8)} {status.done}/{status.total}"),
            _cut(
                f"{minutes(status.elapsed_minutes)}/{minutes(status.standard_minutes)}"
                + (" LEWAT" if over else "")
            ),
        ),
        _two(now, waiting),
        late,
    ]


class OverviewScreen(Screen):
    BINDINGS = [
        Binding("enter", "open_run", "Buka papan", id="open-run"),
        Binding("n", "new_run", "Run baru", id="new-run"),
        Binding("up,k", "cursor(-1)", "Atas", show=False, id="cursor-up"),
        Binding("down,j", "cursor(1)", "Bawah", show=False, id="cursor-down"),
    ]

    def __init__(self, state) -> None:
        super().__init__(id="overview")
        self.state = state
        self.run_ids: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static(id="overview-title")
        table: DataTable[str | Text] = DataTable(id="runs", cursor_type="row", zebra_stripes=False)
        yield table
        yield Static(id="overview-empty")
        yield KeyBar(classes="keybar")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        self._columns(table)
        self.state.subscribe(self.refresh_runs)
        self.reload()  # the first frame shows the runs
        table.focus()

    def refresh_runs(self) -> None:
        """Another process wrote: read and parse in a thread (a newer refresh replaces a
        pending one), so the screen never waits on the file."""
        self.run_worker(self._refresh(), group="reload", exclusive=True, exit_on_error=False)

    async def _refresh(self) -> None:
        try:
            statuses = await off_loop(self, self.state.statuses)
        except SoptrackError as exc:
            self.app.notify(str(exc), severity="error", title="Gagal memuat")
            return
        self._show(statuses)

    def _columns(self, table: DataTable) -> None:
        fixed = sum(width or 0 for _, width in COLUMNS) + 2 * len(COLUMNS)
        flexible = [title for title, width in COLUMNS if width is None]
        share = max(14, (self.size.width - fixed - 2) // max(1, len(flexible)))
        self._width = self.size.width
        table.clear(columns=True)
        for title, width in COLUMNS:
            table.add_column(title, key=title, width=width or share)

    def on_resize(self) -> None:
        if self.size.width != getattr(self, "_width", None):
            self._columns(self.query_one(DataTable))
            self.reload()

    def on_unmount(self) -> None:
        self.state.unsubscribe(self.refresh_runs)

    def on_screen_resume(self) -> None:
        if not getattr(self, "_resumed", False):
            self._resumed = True  # the first show: on_mount has just loaded the rows
            return
        self.reload()

    def reload(self) -> None:
        try:
            statuses = self.state.statuses()
        except SoptrackError as exc:
            self.app.notify(str(exc), severity="error", title="Gagal memuat")
            return
        self._show(statuses)

    def _show(self, statuses: list[RunStatus]) -> None:
        problems = tuple(self.state.problems)
        if problems and problems != getattr(self, "_told", ()):
            # once per new problem, not at every refresh
            self.app.notify("\n".join(problems), severity="warning", title="Run tidak ditampilkan")
        self._told = problems
        table = self.query_one(DataTable)
        selected = self.selected()
        table.clear()
        self.run_ids = []
        for status in statuses:
            table.add_row(*row_of(status), key=status.run.id, height=2)
            self.run_ids.append(status.run.id)
        if selected in self.run_ids:
            table.move_cursor(row=self.run_ids.index(selected), animate=False)
        late = sum(1 for s in statuses if s.late_count)
        title = Text()
        if self.state.demo:
            title.append(" CONTOH ", style="bold reverse")
            title.append(" ")
        title.append("Ikhtisar run", style="bold")
        title.append(f"  {len(statuses)} run · {late} dengan langkah terlambat · ")
        other = self.state.services.repo.run_count() - len(statuses) - len(problems)
        if other > 0:
            # the default scope, as in `soptrack status`: this year's and every unfinished run
            title.append(f"tahun ini + belum selesai; {other} lainnya: soptrack runs --all · ")
        title.append(self.state.services.repo.path.name, style="italic")
        self.query_one("#overview-title", Static).update(title)
        empty = self.query_one("#overview-empty", Static)
        empty.display = not statuses
        table.display = bool(statuses)
        empty.update(
            "Belum ada run di database ini.\n\nTekan n untuk memulai run baru dari SOP yang "
            "tersedia, atau ? untuk bantuan."
        )

    def selected(self) -> str | None:
        table = self.query_one(DataTable)
        if not self.run_ids or table.cursor_row is None:
            return None
        row = table.cursor_row
        return self.run_ids[row] if 0 <= row < len(self.run_ids) else None

    def action_cursor(self, dy: int) -> None:
        table = self.query_one(DataTable)
        if dy < 0:
            table.action_cursor_up()
        else:
            table.action_cursor_down()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_run()

    def action_open_run(self) -> None:
        run_id = self.selected()
        if run_id is None:
            self.app.notify("Belum ada run; tekan n untuk run baru.", severity="warning")
            return
        navigator(self).open_board(run_id)

    def action_new_run(self) -> None:
        navigator(self).action_new_run()
