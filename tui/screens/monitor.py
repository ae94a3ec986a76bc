"""SOP monitoring as a screen: per step, runs reached, median and worst office time against
the Mutu Baku, a bar of late completions, returns, the verdict and its Catatan; `e` writes
the monitoring form (.docx, KONSEP) to the working folder.

Opened from the command palette ("Monitoring <SOP>"); the figures come from
soptrack.services.monitoring, computed in a worker thread (every run's history is read).
"""

from __future__ import annotations

from functools import partial

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from soptrack.services.labels import bar
from soptrack.sop.durations import format_minutes
from soptrack.sop.errors import SoptrackError
from soptrack.sop.monitoring import GOOD, NOT_GOOD, Monitoring
from soptrack.tui.widgets.keybar import KeyBar

VERDICT = {GOOD: ("✓ BAIK", "good"), NOT_GOOD: ("✗ TIDAK BAIK", "bad")}
STYLE_KEYS = ("good", "bad", "none", "late", "muted", "bold")


class MonitorText(Static):
    """Colours from app.tcss (MonitorText > .monitor--KEY): themes and NO_COLOR apply."""

    COMPONENT_CLASSES = {f"monitor--{key}" for key in STYLE_KEYS}

    def styles_by_key(self) -> dict[str, Style]:
        return {key: self.get_component_rich_style(f"monitor--{key}") for key in STYLE_KEYS}


def monitoring_table(result: Monitoring, styles: dict[str, Style] | None = None) -> Table:
    """A block per step (fits 80 columns): name and verdict, a bar of late completions with
    the times against the Mutu Baku, then runs, returns and who did the work."""
    styles = styles or {}
    table = Table.grid(expand=True, padding=(0, 1))
    table.add_column(justify="right", no_wrap=True, width=3)
    table.add_column(ratio=1)
    table.add_column(no_wrap=True, justify="right")
    for step in result.steps:
        word, key = VERDICT.get(step.verdict, ("- BELUM", "none"))
        block = Text()
        block.append(step.label, style=styles.get("bold", ""))
        block.append("\nterlambat ")
        if step.done:
            late = Text(f"{bar(step.late, step.done, 6)} {step.late}/{step.done}")
            if step.late_share and step.late_share > result.late_share_limit:
                late.stylize(styles.get("late", ""))
            block.append_text(late)
            median = format_minutes(step.median_minutes or 0)
            worst = format_minutes(step.worst_minutes or 0)
            block.append(f" · median {median} · terlama {worst}")
        else:
            block.append("-")
        block.append(f" · baku {format_minutes(step.standard_minutes)}")
        who = ", ".join(f"{user} ({count})" for user, count in step.waited_on)
        block.append(
            f"\nrun {step.runs_reached} · dikembalikan {step.returns}"
            + (f" · oleh {who}" if who else ""),
            style=styles.get("muted", ""),
        )
        table.add_row(f"{step.number}.", block, Text(word, style=styles.get(key, "")))
        table.add_row("", "", "")
    return table


class MonitorScreen(Screen):
    BINDINGS = [
        Binding("escape", "close", "Kembali", id="monitor-close"),
        Binding("up,k", "scroll(-1)", "Gulir", show=False, id="cursor-up"),
        Binding("down,j", "scroll(1)", "Gulir", show=False, id="cursor-down"),
        Binding("pageup", "scroll(-10)", "Halaman atas", show=False, id="page-up"),
        Binding("pagedown,space", "scroll(10)", "Halaman bawah", show=False, id="page-down"),
        Binding("e", "export", "Ekspor .docx", id="export"),
        Binding("r", "reload", "Muat ulang", id="reload"),
        Binding("question_mark", "app.help", "Bantuan", id="help"),
        Binding("q", "app.quit", "Keluar", id="quit"),
    ]

    def __init__(self, services, sop_id: str) -> None:
        super().__init__(id="monitor")
        self.services = services
        self.sop_id = sop_id
        self.result: Monitoring | None = None

    def compose(self) -> ComposeResult:
        yield Static("Monitoring SOP: menghitung…", id="monitor-title")
        with VerticalScroll(id="monitor-body"):
            yield MonitorText(id="monitor-summary")
            yield MonitorText(id="monitor-table")
        yield KeyBar(classes="keybar")

    def on_mount(self) -> None:
        self.query_one("#monitor-body").focus()
        self.action_reload()

    def action_reload(self) -> None:
        services, sop_id, app = self.services, self.sop_id, self.app

        def job() -> None:
            from soptrack.services import monitoring as monitoring_service

            problems: list[str] = []
            try:
                result = monitoring_service.monitoring(services, sop_id, problems=problems)
            except SoptrackError as exc:
                app.call_from_thread(app.notify, str(exc), severity="error", title="Monitoring")
                return
            app.call_from_thread(self.show, result, problems)

        self.run_worker(job, name="monitor", group="monitor", thread=True, exclusive=True)

    def show(self, result: Monitoring, problems: list[str]) -> None:
        self.result = result
        self.query_one("#monitor-title", Static).update(
            Text(
                f"Monitoring {result.sop_name} · {result.start:%d-%m-%Y} s.d. "
                f"{result.end:%d-%m-%Y}",
                no_wrap=True,
                overflow="ellipsis",
            )
        )
        head = self.query_one("#monitor-summary", MonitorText)
        styles = head.styles_by_key()
        word, key = VERDICT.get(result.verdict, ("- BELUM DAPAT DINILAI", "none"))
        limit = round(result.late_share_limit * 100)
        summary = Text.assemble(
            (word, styles[key]),
            f" {result.summary}.\n",
            (
                f"Baik = paling banyak {limit}% penyelesaian terlambat dan tidak dikembalikan "
                f"lebih dari {result.max_returns} kali. Waktu = jam kantor.",
                styles["muted"],
            ),
        )
        for problem in problems:
            summary.append(f"\nperingatan: {problem}", style=styles["late"])
        head.update(summary)
        self.query_one("#monitor-table", MonitorText).update(monitoring_table(result, styles))

    def action_scroll(self, dy: int) -> None:
        self.query_one("#monitor-body", VerticalScroll).scroll_relative(y=dy, animate=False)

    def action_export(self) -> None:
        result, services, app = self.result, self.services, self.app
        if result is None:
            app.notify("Tunggu sampai hitungan selesai.", severity="warning")
            return

        def job() -> None:
            from soptrack.services import monitoring as monitoring_service

            try:
                paths = monitoring_service.export_monitoring(services, result)
            except SoptrackError as exc:
                app.call_from_thread(app.notify, str(exc), severity="error", title="Ekspor")
                return
            lines = "\n".join(str(path) for path in paths)
            app.call_from_thread(app.notify, f"Ditulis:\n{lines}", title="Monitoring", timeout=10)

        self.run_worker(job, name="monitor-export", group="export", thread=True)

    def action_close(self) -> None:
        self.app.pop_screen()


def open_monitor(app, sop_id: str) -> None:
    if not isinstance(app.screen, MonitorScreen):
        app.push_screen(MonitorScreen(app.state.services, sop_id))


def monitor_commands(app) -> list[SystemCommand]:
    """Palette entries, one per SOP: 'Monitoring SOP Pengukuran Kinerja'."""
    return [
        SystemCommand(
            f"Monitoring {sop.name}",
            "penilaian 6 bulan terakhir per langkah (PermenPANRB 35/2012)",
            partial(open_monitor, app, sop.id),
        )
        for sop in app.state.services.catalog
    ]
