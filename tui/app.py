"""The Textual app: screens on top of AppState, which watches the store for other writers.

Start-up is kept lean: only the screen of the first frame is imported before it is shown;
the others (detail, help, dialogs, picker, export, performance) and the document services
(soptrack.services.documents, python-docx) are imported when first used.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Mapping
from functools import partial

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.filter import LineFilter
from textual.notifications import Notify
from textual.screen import ModalScreen, Screen

from soptrack.services.core import Services
from soptrack.services.state import AppState, open_demo
from soptrack.sop.errors import SoptrackError
from soptrack.tui.keys import MOVES, binding_rows, bindings, key_text, keys_of
from soptrack.tui.printable import PRINTABLE
from soptrack.tui.store_calls import WAITING_TEXT, off_loop

POLL_SECONDS = 1.0


class SoptrackApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "soptrack"
    BINDINGS = [
        Binding("question_mark", "help", "Bantuan", id="help"),
        Binding("q", "quit", "Keluar", id="quit"),
        # only while the sample is open (check_action): the way back to the real database
        Binding("x", "leave_demo", "Tutup CONTOH", id="leave-demo"),
        Binding(
            "ctrl+p", "command_palette", "Perintah", show=False, priority=True, id="command-palette"
        ),
    ]

    def __init__(
        self,
        services: Services,
        run_ref: str | None = None,
        *,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        super().__init__()
        # The user's [keys] table: binding id -> keys (shown by the key bar, help, palette).
        self.key_overrides: Mapping[str, str] = services.config.keys
        self.set_keymap(dict(self.key_overrides))
        # Over SSH every animation frame is bytes on the wire: scroll and fade at once.
        self.animation_level = "none"
        self.real_services = services
        self.state = AppState(services)
        self.run_ref = run_ref
        self.poll_seconds = poll_seconds
        self._opening_demo = False  # the sample database is being written (action_open_demo)
        # Building the first screen allocates thousands of long-lived objects (styles,
        # widgets, the SOP catalogue); a full garbage collection in the middle of it costs
        # 10-20 ms of the first frame. Collect again once the first frame is out.
        # (the `soptrack` command has it off already, from before its imports)
        self._gc_paused = True
        gc.disable()

    def get_default_screen(self) -> Screen:
        """The first screen is the base of the stack: no empty default screen is built and
        replaced before the first frame (about 10 ms of opening a run)."""
        screen = self._screen_for(self.run_ref)
        # What switch_screen gives every screen it puts on the stack, so that go() can
        # switch this one too (Textual's own default screen never gets switched).
        screen._push_result_callback(self, None)
        return screen

    def get_line_filters(self) -> list[LineFilter]:
        """Textual's filters (colours), then no control character from data on screen."""
        return [*super().get_line_filters(), PRINTABLE]

    def on_mount(self) -> None:
        self.set_interval(self.poll_seconds, self.state.poll, name="store-poll")
        self.call_after_refresh(self.resume_gc)

    def resume_gc(self) -> None:
        if self._gc_paused:
            self._gc_paused = False
            gc.enable()

    # -- where the user is -----------------------------------------------------------------

    def sop_choices(self) -> list[tuple[str, str]]:
        """(id, name) of every SOP, those that produce documents to sign first (Pengukuran
        Kinerja: the usual first run)."""
        sops = sorted(self.state.services.catalog, key=lambda s: not s.documents)
        return [(s.id, s.name) for s in sops]

    def _screen_for(self, run_id: str | None) -> Screen:
        """A run's board; without one the overview, or the welcome screen when there are no
        runs yet. Each screen module is imported when first shown (start-up time)."""
        if run_id is not None:
            from soptrack.tui.screens.board import BoardScreen

            return BoardScreen(self.state, run_id)
        if not self.state.has_runs():
            from soptrack.tui.screens.welcome import WelcomeScreen

            return WelcomeScreen(self.state, self.sop_choices())
        from soptrack.tui.screens.overview import OverviewScreen

        return OverviewScreen(self.state)

    async def go(self, run_id: str | None) -> None:
        """Reset the stack to one screen: the run's board, else the overview (or the
        welcome screen). The overview under a board is built only when the user goes back
        to it."""
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        await self.switch_screen(self._screen_for(run_id))

    def open_board(self, run_id: str) -> None:
        # not on the first frame: imported when first shown (start-up time)
        from soptrack.tui.screens.board import BoardScreen

        if isinstance(self.screen, BoardScreen):
            self.call_next(self.screen.load, run_id)
        else:
            self.push_screen(BoardScreen(self.state, run_id))

    def show_overview(self) -> None:
        # not on the first frame: imported when first shown (start-up time)
        from soptrack.tui.screens.overview import OverviewScreen

        stack = self.screen_stack
        if len(stack) >= 2 and isinstance(stack[-2], OverviewScreen):
            self.pop_screen()
        else:
            self.switch_screen(OverviewScreen(self.state))

    # -- actions every screen shares -------------------------------------------------------

    def action_help(self) -> None:
        # not on the first frame: imported when first shown (start-up time)
        from soptrack.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.help_sections(self.screen)))

    def help_sections(
        self, screen: Screen | None = None
    ) -> list[tuple[str, list[tuple[str, str]]]]:
        """Every screen's keys as the user's overrides have them (help reads no class);
        those of `screen` (where `?` was pressed) first, then the keys of everywhere."""
        # not on the first frame: imported when first shown (start-up time)
        from soptrack.tui.screens.board import BoardScreen
        from soptrack.tui.screens.export import ExportDialog
        from soptrack.tui.screens.flow import FlowScreen
        from soptrack.tui.screens.monitor import MonitorScreen
        from soptrack.tui.screens.overview import OverviewScreen
        from soptrack.tui.screens.performance import PerformanceScreen
        from soptrack.tui.screens.welcome import WelcomeScreen

        keymap = self.key_overrides
        everywhere = "Di mana saja"
        # (the screen a section belongs to, its title, its keys)
        sections: list[tuple[type | None, str, list[tuple[str, str]]]] = [
            (BoardScreen, "Papan run", binding_rows(BoardScreen.BINDINGS, keymap)),
            (
                OverviewScreen,
                "Ikhtisar",
                binding_rows(OverviewScreen.BINDINGS, keymap)
                + [("PgUp PgDn Home End", "gulir"), ("klik ganda", "buka papan")],
            ),
            (WelcomeScreen, "Layar awal", binding_rows(WelcomeScreen.BINDINGS, keymap)),
            (
                None,
                "Ekspor dokumen (e)",
                [("↑↓ Enter", "pilih dokumen dan ekspor")]
                + binding_rows(ExportDialog.BINDINGS, keymap),
            ),
            (
                PerformanceScreen,
                "Data kinerja (i)",
                binding_rows(PerformanceScreen.BINDINGS, keymap),
            ),
            (
                FlowScreen,
                "Diagram alir (f)",
                [("↑↓ ←→ PgUp PgDn", "gulir")]
                + binding_rows([b for b in bindings(FlowScreen.BINDINGS) if b.show], keymap),
            ),
            (
                MonitorScreen,
                "Monitoring, Ctrl+P",
                [("↑↓ PgUp PgDn", "gulir")]
                + binding_rows([b for b in bindings(MonitorScreen.BINDINGS) if b.show], keymap),
            ),
            (None, everywhere, binding_rows(SoptrackApp.BINDINGS, keymap)),
            (
                None,
                "Dialog",
                [
                    ("Enter", "simpan / pilih"),
                    ("Esc", "batal / tutup"),
                    ("Tab", "kolom berikutnya"),
                ],
            ),
        ]
        here = type(screen) if screen is not None else None

        def rank(section: tuple[type | None, str, list[tuple[str, str]]]) -> int:
            owner, title, _ = section
            return 0 if here is not None and owner is here else 1 if title == everywhere else 2

        return [(title, rows) for _, title, rows in sorted(sections, key=rank)]

    def action_new_run(self) -> None:
        # not on the first frame: imported when first shown (start-up time)
        from soptrack.tui.screens.dialogs import NewRunDialog

        note = ""
        if self.state.demo:
            note = "Run baru dibuat di database asli (bukan CONTOH)."
        year = self.real_services.clock().year

        def chosen(choice: tuple[str, str, int] | None) -> None:
            if choice is not None:
                self.run_worker(self._start_run(*choice), group="write", exit_on_error=False)

        self.push_screen(NewRunDialog(self.sop_choices(), year, note=note), chosen)

    async def _start_run(self, sop_id: str, title: str, year: int) -> None:
        """A write, off the event loop: it may wait for a colleague's lock (up to the lock
        timeout), and the screen keeps answering meanwhile."""
        services = self.real_services
        try:
            run = await off_loop(
                self, lambda: services.new_run(sop_id, title, year), self._waiting_for_lock
            )
        except SoptrackError as exc:
            self.notify(str(exc), severity="error", title="Run tidak dibuat")
            return
        if self.state.demo:
            self.state.switch(self.real_services, demo=False)
        self.notify(f"Run {run.id} dimulai: {run.title}", timeout=3)
        self.call_next(self.go, run.id)

    def _waiting_for_lock(self, waiting: bool) -> None:
        """Said once a write has waited a moment; the write's own notice replaces it."""
        if waiting:
            self.notify(WAITING_TEXT, timeout=self.real_services.repo.lock_timeout + 1)

    def action_open_demo(self) -> None:
        if not self._opening_demo:  # a second key press while the first one writes
            self._opening_demo = True
            self.run_worker(self._open_demo(), group="write", exit_on_error=False)

    async def _open_demo(self) -> None:
        """The sample database is written on first use: off the event loop, as any write."""
        real = self.real_services
        try:
            services, run_id = await off_loop(self, lambda: open_demo(real), self._waiting_for_lock)
        except SoptrackError as exc:
            self.notify(str(exc), severity="error", title="Contoh tidak dapat dibuka")
            return
        finally:
            self._opening_demo = False
        self.state.switch(services, demo=True)
        self.notify(
            f"Ini run CONTOH di {services.repo.path}, terpisah dari data asli.",
            title="CONTOH",
            timeout=6,
        )
        self.call_next(self.go, run_id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_demo":
            return self.state.demo
        return True

    def action_leave_demo(self) -> None:
        if not self.state.demo:
            self.notify("Anda sudah memakai database asli.", timeout=3)
            return
        self.state.switch(self.real_services, demo=False)
        self.call_next(self.go, None)

    def _refresh_notifications(self) -> None:
        """A notification never covers an open dialog (the note being typed, the new run):
        it waits under it and shows when the dialog closes. None at all once the screens are
        gone: a write's notice can arrive while the app is closing (seen under load)."""
        if not self.screen_stack:
            return
        if isinstance(self.screen, ModalScreen) and self.screen.has_class("dialog-screen"):
            return
        super()._refresh_notifications()

    def _on_notify(self, event: Notify) -> None:
        """One notification at a time: at 80x24 three stacked ones hid two lanes for 5 s."""
        self._notifications.clear()
        super()._on_notify(event)

    # -- Textual's own words, in Indonesian ----------------------------------------------------

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(
                CommandPalette(id="--command-palette", placeholder="Cari perintah… (Esc: tutup)")
            )

    def search_themes(self) -> None:
        """Textual's theme picker, asking in Indonesian ("Search for themes…")."""
        from textual.command import CommandPalette
        from textual.theme import ThemeProvider

        self.push_screen(CommandPalette(providers=[ThemeProvider], placeholder="Cari tema…"))

    def action_help_quit(self) -> None:
        """Ctrl+C (a reflex to quit) says which key quits."""
        quit_binding = next(b for b in bindings(self.BINDINGS) if b.id == "quit")
        keys = key_text(keys_of(quit_binding, self.key_overrides))
        self.notify(f"Tekan {keys} untuk keluar dari soptrack.", title="Ingin keluar?")

    # -- command palette ---------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        seen: set[str] = set()
        for owner in (screen, self):
            for binding in bindings(owner.BINDINGS):
                if binding.id in MOVES or binding.action == "command_palette":
                    continue
                if binding.action.removeprefix("app.") in seen:
                    continue
                if owner is self and not self.check_action(binding.action, ()):
                    continue  # "Tutup CONTOH" outside the sample
                seen.add(binding.action.removeprefix("app."))
                keys = key_text(keys_of(binding, self.key_overrides))
                yield SystemCommand(
                    f"{binding.description} ({keys})",
                    f"tombol {keys}",
                    partial(owner.run_action, binding.action),
                )
        export = getattr(screen, "export_document", None)
        status = getattr(screen, "status", None)
        if export is not None and status is not None:
            for document in status.sop.document_kinds:
                for pdf in (False, True):
                    kind, label = document.id, document.label
                    yield SystemCommand(
                        f"Ekspor {label}{' + PDF' if pdf else ''}",
                        f"tulis .docx{' dan .pdf' if pdf else ''} run ini di folder kerja",
                        partial(export, kind, pdf),
                    )
        # not on the first frame: imported when first shown (start-up time)
        from soptrack.tui.screens.monitor import monitor_commands

        yield from monitor_commands(self)
        yield SystemCommand("Run baru", "mulai run baru dari sebuah SOP", self.action_new_run)
        yield SystemCommand("Buka CONTOH", "run contoh di database terpisah", self.action_open_demo)
        if self.state.demo:
            yield SystemCommand(
                "Tinggalkan CONTOH", "kembali ke database asli", self.action_leave_demo
            )
        yield SystemCommand("Tema", "ganti tema warna", self.action_change_theme)


def run_app(services: Services, run_id: str | None = None) -> int:
    """Open the app on a run's board (an id soptrack.main.run_to_open has checked before the
    screen was taken), else on the overview."""
    app = SoptrackApp(services, run_id)
    try:
        app.run()
    finally:
        app.resume_gc()
        # the steps of this session that went to journals go into their files
        app.state.fold_journals()
    return app.return_code or 0
