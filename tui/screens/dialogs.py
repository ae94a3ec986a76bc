"""Small modal dialogs: a note (also the reason for a return) and a new run."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static


class NoteDialog(ModalScreen[str | None]):
    """Asks for one line of text; an empty note is refused and the dialog stays open."""

    BINDINGS = [Binding("escape", "cancel", "Batal", id="cancel")]

    def __init__(self, title: str, prompt: str) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.prompt = prompt

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield Label(self.prompt)
            yield Input(placeholder="tulis di sini…", id="note")
            yield Static("", id="error", classes="dialog-error")
            yield Static("Enter simpan · Esc batal", classes="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            self.query_one("#error", Static).update("Catatan tidak boleh kosong.")
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class NewRunDialog(ModalScreen[tuple[str, str, int] | None]):
    """SOP, judul, tahun. Returns the three; the caller creates the run (and shows errors)."""

    BINDINGS = [Binding("escape", "cancel", "Batal")]

    def __init__(self, sops: list[tuple[str, str]], year: int, *, note: str = "") -> None:
        super().__init__(classes="dialog-screen")
        self.sops = sops
        self.year = year
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Mulai run baru", classes="dialog-title")
            if self.note:
                yield Static(self.note, classes="dialog-hint")
            yield Label("SOP (Enter untuk memilih):")
            yield Select(
                [(name, sop_id) for sop_id, name in self.sops],
                value=self.sops[0][0],
                allow_blank=False,
                id="sop",
            )
            yield Label("Judul:")
            yield Input(id="title")
            yield Label("Tahun:")
            yield Input(str(self.year), type="integer", id="year")
            yield Static("", id="error", classes="dialog-error")
            yield Static(
                "Tab pindah kolom · Enter di kolom terakhir mulai · Esc batal",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#title", Input).placeholder = f"kosong = {self.suggestion()}"
        self.query_one("#sop", Select).focus()

    def suggestion(self) -> str:
        name = dict(self.sops).get(str(self.query_one("#sop", Select).value), "")
        return f"{name.removeprefix('SOP ')} {self.query_one('#year', Input).value.strip()}"

    def on_select_changed(self, event: Select.Changed) -> None:
        self.query_one("#title", Input).placeholder = f"kosong = {self.suggestion()}"

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "title":
            self.query_one("#year", Input).focus()
            return
        title = self.query_one("#title", Input).value.strip() or self.suggestion()
        year_text = self.query_one("#year", Input).value.strip()
        error = self.query_one("#error", Static)
        if not year_text.isdigit():
            error.update("Tahun harus angka, mis. 2026.")
            return
        sop_id = str(self.query_one("#sop", Select).value)
        self.dismiss((sop_id, title, int(year_text)))

    def action_cancel(self) -> None:
        self.dismiss(None)
