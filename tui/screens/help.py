"""`?`: every key of every screen. The app reads the sections from the bindings themselves
(with the user's overrides), so what is listed is what works."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

Section = tuple[str, list[tuple[str, str]]]


def help_table(sections: list[Section]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column()
    for title, rows in sections:
        table.add_row(Text(title, style="bold underline"), "")
        for keys, description in rows:
            table.add_row(Text(keys, style="bold"), description)
        table.add_row("", "")
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,question_mark,q,enter", "close", "Tutup", id="help-close"),
        Binding("up,k", "scroll(-1)", "Gulir", show=False, id="cursor-up"),
        Binding("down,j", "scroll(1)", "Gulir", show=False, id="cursor-down"),
    ]

    def __init__(self, sections: list[Section]) -> None:
        super().__init__(classes="dialog-screen")
        self.sections = sections

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help"):
            yield Static("Bantuan: tombol soptrack", classes="dialog-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(help_table(self.sections))
                yield Static(
                    "Status kartu ditulis sebagai teks: ○ BELUM, ▶ BERJALAN, ✓ SELESAI, "
                    "↩ DIKEMBALIKAN; KINI = langkah yang sedang ditunggu; TERLAMBAT = melewati "
                    "waktu baku (Mutu Baku). Perubahan dari pengguna lain tampil dalam 1-2 detik.",
                    classes="help-legend",
                )
            yield Static("↑↓ gulir · Esc tutup", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#help-scroll").focus()

    def action_scroll(self, dy: int) -> None:
        self.query_one("#help-scroll", VerticalScroll).scroll_relative(y=dy, animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
