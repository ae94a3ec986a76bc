"""Small modal dialogs: a note (also the reason for a return) and a new run."""

from __future__ import annotations

from textual import events
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from soptrack.services.core import check_year
from soptrack.sop.errors import BadInput
from soptrack.sop.numbers import ascii_digits


class TypeAheadDialog(ModalScreen):
    """A dialog that loses no key typed ahead (a fast typist, a paste, a slow machine).

    The app dispatches each key to what has the focus when the key arrives. Two gaps lose
    keys: before the dialog has focused its first field the keys go to the screen itself,
    and after a Tab the next characters still go to the field before. So Tab moves the focus
    as the key arrives (a priority binding), and keys that reached the screen before a field
    had the focus are played here, in order, as if that field had had it.
    """

    BINDINGS = [
        Binding("tab", "next_field", show=False, priority=True, id="next-field"),
        Binding("shift+tab", "previous_field", show=False, priority=True, id="previous-field"),
    ]

    def action_next_field(self) -> None:
        if self.focused is None:
            raise SkipAction()  # not ready: the Tab is played by on_key once it is
        self.focus_next()

    def action_previous_field(self) -> None:
        if self.focused is None:
            raise SkipAction()
        self.focus_previous()

    def _forward_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            event.typed_ahead = True  # type: ignore[attr-defined]
        super()._forward_event(event)

    async def on_key(self, event: events.Key) -> None:
        if not getattr(event, "typed_ahead", False):
            return
        focused = self.focused
        if event.key in ("tab", "shift+tab"):
            self.focus_next() if event.key == "tab" else self.focus_previous()
        elif isinstance(focused, Input) and event.key == "backspace":
            focused.action_delete_left()
        elif isinstance(focused, Input) and event.key == "enter":
            await focused.action_submit()
        elif isinstance(focused, Input) and event.is_printable and event.character:
            focused.insert_text_at_cursor(event.character)
        else:
            return
        event.stop()
        event.prevent_default()


class NoteDialog(TypeAheadDialog, ModalScreen[str | None]):
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

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#note", Input))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            self.query_one("#error", Static).update("Catatan tidak boleh kosong.")
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class NewRunDialog(TypeAheadDialog, ModalScreen[tuple[str, str, int] | None]):
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
        self.set_focus(self.query_one("#sop", Select))  # now, not later: keys may be waiting

    def suggestion(self) -> str:
        name = dict(self.sops).get(str(self.query_one("#sop", Select).value), "")
        return f"{name.removeprefix('SOP ')} {self.query_one('#year', Input).value.strip()}"

    def on_select_changed(self, event: Select.Changed) -> None:
        self.query_one("#title", Input).placeholder = f"kosong = {self.suggestion()}"

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "title" and self.focused is event.input:
            self.set_focus(self.query_one("#year", Input))
            return
        # an Enter on the title once the focus had moved on (typed ahead, "Enter Enter")
        # means the field that has the focus now: start the run
        title = self.query_one("#title", Input).value.strip() or self.suggestion()
        year_text = self.query_one("#year", Input).value.strip()
        error = self.query_one("#error", Static)
        if not ascii_digits(year_text):
            error.update("Tahun harus angka, mis. 2026.")
            return
        try:
            check_year(int(year_text))
        except BadInput as exc:  # said here: the dialog stays open with what was typed
            error.update(str(exc).capitalize())
            return
        sop_id = str(self.query_one("#sop", Select).value)
        self.dismiss((sop_id, title, int(year_text)))

    def action_cancel(self) -> None:
        self.dismiss(None)
