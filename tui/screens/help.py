"""`?`: every key of every screen, read from the bindings themselves so it cannot drift."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

_KEY_NAMES = {
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "enter": "Enter",
    "escape": "Esc",
    "slash": "/",
    "question_mark": "?",
    "tab": "Tab",
}

# Bindings that move the cursor are shown as one row per direction pair.
_MOVES = {"move(0,-1)", "move(0,1)", "move(-1,0)", "move(1,0)"}


def key_text(keys: str) -> str:
    names = []
    for key in keys.split(","):
        key = key.strip()
        if key.startswith("ctrl+"):
            names.append("Ctrl+" + key.removeprefix("ctrl+").upper())
        else:
            names.append(_KEY_NAMES.get(key, key))
    return " / ".join(names)


def binding_rows(bindings) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    moves: dict[str, str] = {}
    for binding in bindings:
        if not isinstance(binding, Binding):
            continue
        if binding.action in _MOVES:
            moves[binding.action] = key_text(binding.key)
            continue
        rows.append((key_text(binding.key), binding.description))
    if moves:
        rows[:0] = [
            (f"{moves['move(0,-1)']}  {moves['move(0,1)']}", "kartu atas / bawah"),
            (f"{moves['move(-1,0)']}  {moves['move(1,0)']}", "lane kiri / kanan"),
        ]
    return rows


def help_sections() -> list[tuple[str, list[tuple[str, str]]]]:
    from tui.app import SoptrackApp
    from tui.screens.board import BoardScreen
    from tui.screens.export import ExportDialog
    from tui.screens.overview import OverviewScreen
    from tui.screens.performance import PerformanceScreen
    from tui.screens.welcome import WelcomeScreen

    return [
        ("Papan run", binding_rows(BoardScreen.BINDINGS)),
        ("Ikhtisar", binding_rows(OverviewScreen.BINDINGS)),
        ("Layar awal", binding_rows(WelcomeScreen.BINDINGS)),
        (
            "Ekspor dokumen (e)",
            [("↑↓ Enter", "pilih dokumen dan ekspor")] + binding_rows(ExportDialog.BINDINGS),
        ),
        ("Data kinerja (i)", binding_rows(PerformanceScreen.BINDINGS)),
        ("Di mana saja", binding_rows(SoptrackApp.BINDINGS)),
        (
            "Dialog",
            [("Enter", "simpan / pilih"), ("Esc", "batal / tutup"), ("Tab", "kolom berikutnya")],
        ),
    ]


def help_table() -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column()
    for title, rows in help_sections():
        table.add_row(Text(title, style="bold underline"), "")
        for keys, description in rows:
            table.add_row(Text(keys, style="bold"), description)
        table.add_row("", "")
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,question_mark,q,enter", "close", "Tutup"),
        Binding("up,k", "scroll(-1)", "Gulir", show=False),
        Binding("down,j", "scroll(1)", "Gulir", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help"):
            yield Static("Bantuan: tombol soptrack", classes="dialog-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(help_table())
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
