"""Switch the board to another run: the newest of this year's and the unfinished ones (the
overview, `o`, pages through every run)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from soptrack.services.core import Scope
from soptrack.services.labels import bar
from soptrack.sop.errors import SoptrackError

SHOWN = 100  # runs listed at most


class RunPickerScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Batal", id="cancel")]

    def __init__(self, state, current: str | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.state = state
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker"):
            yield Static("Pilih run", classes="dialog-title")
            yield OptionList(id="runs")
            yield Static("↑↓ pilih · Enter buka · Esc batal", classes="dialog-hint")

    def on_mount(self) -> None:
        options = self.query_one("#runs", OptionList)
        try:
            statuses, total = self.state.page(Scope(), 0, SHOWN)
        except SoptrackError as exc:
            self.app.notify(str(exc), severity="error")
            statuses, total = [], 0
        highlight = 0
        for index, status in enumerate(statuses):
            run = status.run
            mark = "▶ " if run.id == self.current else "  "
            if run.id == self.current:
                highlight = index
            label = (
                f"{mark}{run.id}  {run.title}  {bar(status.done, status.total, 8)} "
                f"{status.done}/{status.total}"
            )
            options.add_option(Option(label, id=run.id))
        if total > len(statuses):
            more = f"  … {total - len(statuses)} run lain: lihat Ikhtisar (o)"
            options.add_option(Option(more, disabled=True))
        if statuses:
            options.highlighted = highlight
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
