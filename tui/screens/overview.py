"""Every run at a glance: how far, whose turn, how long, what is late.

Like `soptrack status`, it shows this year's runs and every unfinished one (`a`: all years),
newest year first, and builds a page at a time: the first page is read before the first frame,
the next ones in a worker as the cursor comes near the end of what is loaded, so ten years of
runs open as fast as ten runs.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from soptrack.services.core import Scope
from soptrack.services.labels import STATE_TEXT, bar, minutes
from soptrack.sop.errors import SoptrackError
from soptrack.sop.status import RunStatus
from soptrack.tui.navigation import navigator
from soptrack.tui.store_calls import off_loop
from soptrack.tui.widgets.keybar import KeyBar
from soptrack.tui.widgets.run_table import RunTable

PAGE = 50  # runs built at a time (a screen shows about ten)
AHEAD = 10  # rows left below the cursor when the next page is read

# (title, width); None = shares what is left of the screen's width.
COLUMNS: tuple[tuple[str, int | None], ...] = (
    ("Run", 8),  # pk-1234, contoh-1
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
        Binding("a", "all_years", "Semua tahun", id="all-years"),
        Binding("up,k", "cursor(-1)", "Atas", show=False, id="cursor-up"),
        Binding("down,j", "cursor(1)", "Bawah", show=False, id="cursor-down"),
    ]

    def __init__(self, state) -> None:
        super().__init__()
        self.state = state
        self.all_years = False
        self.statuses: list[RunStatus] = []
        self.run_ids: list[str] = []
        self.total = 0  # runs in the scope, loaded or not
        # runs of the scope read so far: the rows, and runs left out (their reason told);
        # the next page starts here, not at len(statuses), or it repeats a run
        self.read = 0
        # counts the times the rows were replaced: a page read before that is dropped
        self.generation = 0

    def compose(self) -> ComposeResult:
        yield Static(id="overview-title")
        yield RunTable(COLUMNS, id="runs")
        yield Static(id="overview-empty")
        yield KeyBar(classes="keybar")

    def on_mount(self) -> None:
        table = self.query_one(RunTable)
        self.state.subscribe(self.refresh_runs)
        self.reload()  # the first frame shows the first page
        table.focus()

    @property
    def scope(self) -> Scope:
        return Scope(all_years=self.all_years)

    # -- reading ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Read again, on the event loop, as many runs as are loaded (at least a page)."""
        wanted = max(PAGE, self.read)
        try:
            statuses, total = self.state.page(self.scope, 0, wanted)
        except SoptrackError as exc:
            self.app.notify(str(exc), severity="error", title="Gagal memuat")
            return
        self._show(statuses, total, min(total, wanted))

    def refresh_runs(self) -> None:
        """Another process wrote: read and parse in a thread (a newer refresh replaces a
        pending one), so the screen never waits on the file."""
        self.run_worker(self._refresh(), group="reload", exclusive=True, exit_on_error=False)

    async def _refresh(self) -> None:
        scope, loaded, known = self.scope, self.read, self.total
        try:
            statuses, total, read = await off_loop(self, lambda: self._reread(scope, loaded, known))
        except SoptrackError as exc:
            self.app.notify(str(exc), severity="error", title="Gagal memuat")
            return
        if scope != self.scope:
            return
        if self.read > max(PAGE, loaded):
            self.refresh_runs()  # a page came in meanwhile: read as many rows again
            return
        self._show(statuses, total, read)

    def _reread(self, scope: Scope, loaded: int, known: int) -> tuple[list[RunStatus], int, int]:
        """The first rows again (in a thread): as many as were loaded, and as many more as
        runs came into the scope, since those may sort ahead of the loaded rows (next
        year's run, this year's among older ones) and push the last of them, the cursor's
        perhaps, out of what is read: the cursor would jump to the top."""
        wanted = max(PAGE, loaded)
        statuses, total = self.state.page(scope, 0, wanted)
        more = min(total, loaded + max(0, total - known)) - wanted
        if more > 0:
            extra, total = self.state.page(scope, wanted, more)
            statuses += extra
        return statuses, total, min(total, wanted + max(0, more))

    def _load_more(self) -> None:
        if self.read < self.total:
            self.run_worker(self._more(), group="more", exclusive=True, exit_on_error=False)

    async def _more(self) -> None:
        scope, offset, generation = self.scope, self.read, self.generation
        try:
            more, total = await off_loop(self, lambda: self.state.page(scope, offset, PAGE))
        except SoptrackError as exc:
            self.app.notify(str(exc), severity="error", title="Gagal memuat")
            return
        # rows replaced meanwhile (a refresh, `a`): this page may overlap them; drop it
        if scope == self.scope and generation == self.generation:
            self.statuses += more
            self.total = total
            self.read = min(total, offset + PAGE)
            self.run_ids += [status.run.id for status in more]
            self.query_one(RunTable).add_rows([row_of(status) for status in more])
            self._show_title()

    def on_run_table_highlighted(self, event: RunTable.Highlighted) -> None:
        if event.row >= len(self.statuses) - AHEAD:
            self._load_more()

    def action_all_years(self) -> None:
        self.all_years = not self.all_years
        self.statuses = []
        self.run_ids = []
        self.read = 0
        self.reload()
        shown = "semua tahun" if self.all_years else "tahun ini dan yang belum selesai"
        self.app.notify(f"Ikhtisar: {shown}.", timeout=2)

    # -- showing ---------------------------------------------------------------------------

    def on_unmount(self) -> None:
        self.state.unsubscribe(self.refresh_runs)

    def on_screen_resume(self) -> None:
        if not getattr(self, "_resumed", False):
            self._resumed = True  # the first show: on_mount has just loaded the rows
            return
        self.reload()

    def _show(self, statuses: list[RunStatus], total: int, read: int) -> None:
        problems = tuple(self.state.problems)
        if problems and problems != getattr(self, "_told", ()):
            # once per new problem, not at every refresh
            self.app.notify("\n".join(problems), severity="warning", title="Run tidak ditampilkan")
        self._told = problems
        selected = self.selected()
        self.generation += 1
        self.statuses = statuses
        self.total = total
        self.read = read
        self.run_ids = [status.run.id for status in statuses]
        table = self.query_one(RunTable)
        row = self.run_ids.index(selected) if selected in self.run_ids else 0
        table.set_rows([row_of(status) for status in statuses], row)
        self._show_title()
        empty = self.query_one("#overview-empty", Static)
        empty.display = not statuses
        table.display = bool(statuses)
        empty.update(
            "Belum ada run di database ini.\n\nTekan n untuk memulai run baru dari SOP yang "
            "tersedia, atau ? untuk bantuan."
            if not self.all_years and not self.state.has_runs()
            else "Tidak ada run di sini; tekan a untuk semua tahun, n untuk run baru."
        )

    def _show_title(self) -> None:
        loaded = len(self.statuses)
        late = sum(1 for s in self.statuses if s.late_count)
        title = Text()
        if self.state.demo:
            title.append(" CONTOH ", style="bold reverse")
            title.append(" ")
        title.append("Ikhtisar run", style="bold")
        scope = "semua tahun" if self.all_years else "tahun ini + belum selesai"
        title.append(f"  {self.total} run ({scope}) · ")
        if self.read < self.total:
            title.append(f"{loaded} dimuat, {late} di antaranya terlambat · ")
        else:
            title.append(f"{late} dengan langkah terlambat · ")
        if not self.all_years:
            other = self.state.services.repo.run_count() - self.total
            if other > 0:
                title.append(f"{other} lainnya: tekan a · ")
        title.append(self.state.services.repo.path.name, style="italic")
        self.query_one("#overview-title", Static).update(title)

    def selected(self) -> str | None:
        row = self.query_one(RunTable).cursor_row
        return self.run_ids[row] if 0 <= row < len(self.run_ids) else None

    def action_cursor(self, dy: int) -> None:
        self.query_one(RunTable).move_cursor(self.query_one(RunTable).cursor_row + dy)

    def on_run_table_selected(self, event: RunTable.Selected) -> None:
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
