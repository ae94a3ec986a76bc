"""The first screen on an empty database: what soptrack is and what to do next."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from soptrack.tui.navigation import navigator
from soptrack.tui.widgets.keybar import KeyBar

INTRO = (
    "Selamat datang di soptrack\n\n"
    "soptrack mencatat jalannya SOP kantor langkah demi langkah: siapa yang sedang "
    "mengerjakan, langkah mana yang terlambat, dan apa yang dikembalikan.\n\n"
    "Database ini masih kosong. Pilih salah satu:"
)


class WelcomeScreen(Screen):
    # Priority: the dialog opens as the key arrives, so what is typed right after "b" (typing
    # ahead, a slow machine) goes to the dialog instead of this screen's list.
    BINDINGS = [
        Binding("b", "choose('new')", "Run baru", priority=True, id="new-run"),
        Binding("c", "choose('demo')", "Contoh", priority=True, id="open-demo"),
    ]

    def __init__(self, state, sops: list[tuple[str, str]]) -> None:
        super().__init__(id="welcome")
        self.state = state
        self.sops = sops

    def compose(self) -> ComposeResult:
        names = ", ".join(name for _, name in self.sops)
        with Vertical(id="welcome-box"):
            yield Static(INTRO, id="welcome-intro")
            yield OptionList(
                Option("b  Mulai run baru dari SOP yang tersedia", id="new"),
                Option("c  Buka run CONTOH untuk mencoba (database terpisah)", id="demo"),
                Option("q  Keluar", id="quit"),
                id="welcome-choices",
            )
            yield Static(
                f"SOP tersedia: {names}.\nDatabase: {self.state.services.repo.path}\n"
                "Tekan ? untuk daftar semua tombol.",
                id="welcome-info",
            )
        yield KeyBar(classes="keybar")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_choose(event.option.id or "")

    def action_choose(self, choice: str) -> None:
        if choice == "new":
            navigator(self).action_new_run()
        elif choice == "demo":
            navigator(self).action_open_demo()
        elif choice == "quit":
            self.app.exit(0)
