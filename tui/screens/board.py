"""The board of one run: a column per Pelaksana lane, a card per step.

The screen owns the cursor and the step keys; every change goes through Services, which
re-reads the run under the store lock, so a colleague's change made meanwhile is checked
against the fresh state. The store is watched by AppState; this screen re-reads on notice.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Coroutine
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input

from soptrack.sop.errors import SoptrackError
from soptrack.sop.run import ACTION_LABELS, Action, Run, StepState
from soptrack.sop.status import RunStatus
from soptrack.tui.navigation import navigator
from soptrack.tui.store_calls import WAITING_TEXT, off_loop
from soptrack.tui.widgets.card import Card
from soptrack.tui.widgets.header import RunHeader
from soptrack.tui.widgets.keybar import KeyBar
from soptrack.tui.widgets.lane import LaneColumn
from soptrack.tui.widgets.lanes import Lanes


class BoardScreen(Screen):
    BINDINGS = [
        Binding("up,k", "move(0,-1)", "Atas", show=False, id="cursor-up"),
        Binding("down,j", "move(0,1)", "Bawah", show=False, id="cursor-down"),
        Binding("left,h", "move(-1,0)", "Kiri", show=False, id="cursor-left"),
        Binding("right,l", "move(1,0)", "Kanan", show=False, id="cursor-right"),
        Binding("question_mark", "app.help", "Bantuan", id="help"),
        Binding("s", "step('start')", "Mulai", id="start"),
        Binding("d", "step('done')", "Selesai", id="done"),
        Binding("a", "step('approve')", "Setujui", id="approve"),
        Binding("r", "return_step", "Kembalikan", id="return"),
        Binding("n", "note", "Catatan", id="note"),
        Binding("u", "undo", "Urungkan", id="undo"),
        Binding("enter", "detail", "Detail", id="detail"),
        Binding("g", "goto_current", "Ke langkah kini", id="goto-current"),
        Binding("p", "pick_run", "Pilih run", id="pick-run"),
        Binding("o", "overview", "Ikhtisar", id="overview"),
        Binding("m", "only_mine", "Laneku", id="only-mine"),
        Binding("e", "export", "Ekspor", id="export"),
        Binding("i", "performance", "Data kinerja", id="performance"),
        Binding("f", "flow", "Diagram alir", id="flow"),
        # Priority: handled as the key arrives, so the words typed right after "/" (a paste,
        # typing ahead over SSH) already find the search box focused.
        Binding("slash", "search", "Cari", priority=True, id="search"),
        Binding("q", "app.quit", "Keluar", id="quit"),
        Binding("escape", "clear_search", "Hapus pencarian", show=False, id="clear-search"),
    ]

    def __init__(self, state, run_id: str) -> None:
        super().__init__()
        self.state = state
        self.run_id = run_id
        self.status: RunStatus | None = None
        self.cards: dict[int, Card] = {}
        self.lanes: list[LaneColumn] = []
        self.only_mine = False
        self.query_text = ""
        self.waiting = False  # a write waits for the store's lock
        self.write_turn = asyncio.Lock()

    # -- building --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield RunHeader(id="run-header")
        yield Lanes(id="lanes")
        yield KeyBar(classes="keybar")

    async def on_mount(self) -> None:
        self.state.subscribe(self.reload)
        await self.load(self.run_id)
        # The search box is hidden until "/": mounted right after the first frame (which
        # it is not part of), or by "/" itself if that comes first.
        self.call_after_refresh(self._search_box)

    async def _search_box(self) -> Input:
        found = self.query("#search")
        if found:
            return found.only_one(Input)
        search = Input(
            placeholder="cari kartu: nomor, kegiatan, nama, status… (Enter, Esc)",
            id="search",
            compact=True,
        )
        await self.mount(search, before=self.query_one(KeyBar))
        return search

    def on_unmount(self) -> None:
        self.state.unsubscribe(self.reload)

    async def load(self, run_id: str) -> None:
        """Show another run (or the first one): rebuild lanes and cards. The checks of its
        history chain and SOP version follow in a worker (they are not on the first frame
        unless something is wrong)."""
        try:
            status = self.state.run_status(run_id, warnings=False)
        except SoptrackError as exc:
            self.app.notify(str(exc), severity="error", title="Gagal membuka run")
            return
        self.run_id = status.run.id
        self.status = status
        # After the frame, not beside it: a thread reading the history meanwhile holds the
        # interpreter lock the frame is drawn with (it made the first frame 10 ms later).
        self.call_after_refresh(self._start_check, status)
        sop = status.sop
        container = self.query_one("#lanes", Lanes)
        await container.remove_children()
        self.cards = {}
        self.lanes = []
        for lane in sop.lanes:
            cards = [Card(s, lane.id) for s in status.steps if s.lanes[0] == lane.id]
            also = [s.number for s in status.steps if lane.id in s.lanes[1:]]
            self.cards.update((c.number, c) for c in cards)
            self.lanes.append(LaneColumn(lane, cards, also))
        self._size_lanes()  # before mounting: the first frame is laid out once
        await container.mount_all(self.lanes)
        self.only_mine = False
        self._apply_search()  # and the header
        self.action_goto_current()

    def _start_check(self, shown: RunStatus) -> None:
        self.run_worker(self._check(shown), group="check", exclusive=True, exit_on_error=False)

    async def _check(self, shown: RunStatus) -> None:
        services = self.state.services
        try:
            found = await off_loop(self, lambda: services.warnings(shown.run))
        except SoptrackError:
            return  # the next reload says what is wrong
        if self.status is None or self.status.run.id != shown.run.id:
            return  # another run is on the board now
        self.status = dataclasses.replace(self.status, warnings=found)
        self._show_header()
        for warning in found:
            if "rantai hash" in warning:
                self.app.notify(warning, severity="warning", title="Riwayat diubah", timeout=10)

    def on_resize(self) -> None:
        self._size_lanes()

    def _size_lanes(self) -> None:
        self.query_one("#lanes", Lanes).share_width(self.lanes, self.size.width)

    def reload(self) -> None:
        """Re-read the run after another process wrote; cursor and inputs stay as they are.
        The file is read and parsed in a thread; a newer reload replaces a pending one."""
        self.run_worker(self._reload(), group="reload", exclusive=True, exit_on_error=False)

    async def _reload(self) -> None:
        run_id = self.run_id
        try:
            status = await off_loop(self, lambda: self.state.run_status(run_id))
        except SoptrackError as exc:
            self.app.notify(str(exc), severity="error", title="Gagal memuat ulang")
            return
        if run_id == self.run_id:
            self._apply(status)

    def _apply(self, status: RunStatus) -> None:
        self.status = status
        changed = set()
        for step in status.steps:
            card = self.cards.get(step.number)
            if card is not None and card.show(step):
                changed.add(card.lane)
        self._redraw(changed)
        self._show_header()

    def _redraw(self, lane_ids: set[str]) -> None:
        for lane in self.lanes:
            if lane.lane.id in lane_ids:
                lane.changed()

    def _show_header(self) -> None:
        if self.status is None:
            return
        extra = []
        if self.query_text:
            count = sum(1 for c in self.cards.values() if c.matched)
            extra.append(f"cari “{self.query_text}”: {count} cocok")
        if self.waiting:
            extra.append(WAITING_TEXT)
        exported = self.state.exports.get(self.run_id)
        if exported:
            extra.append(f"ekspor: {exported}")
        if self.only_mine:
            extra.append(f"hanya lane {self._role_name(self.state.my_role())}")
        self.query_one(RunHeader).show(self.status, demo=self.state.demo, extra=" · ".join(extra))

    def _role_name(self, role: str) -> str:
        """The lane's name as the SOP writes it (Sek Tim SAKIP), not its id."""
        if self.status is not None:
            for lane in self.status.sop.lanes:
                if lane.id == role:
                    return lane.name
        return role

    # -- cursor ----------------------------------------------------------------------------

    @property
    def card(self) -> Card | None:
        """The card under the cursor: the focused lane's (None while the search box has
        the focus)."""
        focused = self.focused
        if isinstance(focused, LaneColumn) and focused.cursor is not None:
            return focused.card(focused.cursor)
        return None

    def _visible_lanes(self) -> list[LaneColumn]:
        return [lane for lane in self.lanes if lane.display and lane.cards]

    def focus_step(self, number: int | None) -> None:
        card = self.cards.get(number) if number is not None else None
        if card is None or not self._lane_of(card).display:
            lanes = self._visible_lanes()
            card = lanes[0].cards[0] if lanes else None
        if card is not None:
            self.put_cursor(card)

    def put_cursor(self, card: Card) -> None:
        """Focus a card's lane, put the cursor on it and bring both into view at once (no
        scroll animation over SSH)."""
        lane = self._lane_of(card)
        lane.put_cursor(card.number)
        self.set_focus(lane, scroll_visible=False)

        def into_view() -> None:
            lane.scroll_visible(animate=False, immediate=True)
            lane.scroll_to_card(card.number)

        self.call_after_refresh(into_view)

    def _lane_of(self, card: Card) -> LaneColumn:
        return next(lane for lane in self.lanes if card in lane.cards)

    def on_lane_column_clicked(self, message: LaneColumn.Clicked) -> None:
        card = self.cards.get(message.number)
        if card is not None:
            self.put_cursor(card)

    def action_move(self, dx: int, dy: int) -> None:
        card = self.card
        lanes = self._visible_lanes()
        if not lanes:
            return
        if card is None:
            self.focus_step(
                self.status.current.number if self.status and self.status.current else None
            )
            return
        lane = self._lane_of(card)
        if dy:
            index = lane.cards.index(card) + dy
            if 0 <= index < len(lane.cards):
                self.put_cursor(lane.cards[index])
            return
        if lane not in lanes:
            return
        position = lanes.index(lane) + dx
        if not 0 <= position < len(lanes):
            return
        target = lanes[position]
        nearest = min(target.cards, key=lambda c: (abs(c.number - card.number), c.number))
        self.put_cursor(nearest)

    def action_goto_current(self) -> None:
        current = self.status.current if self.status else None
        self.focus_step(
            current.number if current else (self.status.steps[-1].number if self.status else None)
        )

    # -- step actions ----------------------------------------------------------------------

    def _step_number(self) -> int | None:
        card = self.card
        if card is None:
            self.app.notify("Pilih kartu langkah dulu (panah atau h/j/k/l).", severity="warning")
            return None
        return card.number

    def action_step(self, action: str, note: str = "") -> None:
        number = self._step_number()
        if number is not None:
            self.write(self.do_step(number, action, note))

    def write(self, work: Coroutine[Any, Any, Any]) -> None:
        """Writes run as workers, so keys keep working while one waits for the lock; they
        take their turn in the order the keys were pressed."""

        async def in_turn() -> None:
            async with self.write_turn:
                await work

        self.run_worker(in_turn(), group="write", exit_on_error=False)

    def _waiting(self, waiting: bool) -> None:
        self.waiting = waiting
        self._show_header()

    async def do_step(self, number: int, action: str, note: str = "") -> bool:
        services, run_id = self.state.services, self.run_id
        try:
            run = await off_loop(
                self, lambda: services.act(run_id, number, action, note), self._waiting
            )
        except SoptrackError as exc:
            self.app.notify(str(exc), severity="error", title="Ditolak")
            self.reload()
            return False
        self._after_write(run)
        self.app.notify(
            f"Langkah {number} {ACTION_LABELS[Action(action)]}.", title=run.id, timeout=3
        )
        if action in ("done", "approve", "return"):
            self.action_goto_current()
        return True

    async def action_return_step(self) -> None:
        number = self._step_number()
        if number is None or self.status is None:
            return
        try:
            # The screen may be up to a second old: decide on the run as stored now.
            fresh = self.state.run_status(self.run_id)
        except SoptrackError as exc:
            self.app.notify(str(exc), severity="error")
            return
        step = next(s for s in fresh.steps if s.number == number)
        if not step.decision or step.state is not StepState.BERJALAN:
            # Let the rules say why; an empty note can never return a step by accident.
            await self.do_step(number, "return", "")
            return
        # not on the first frame: imported when first shown (start-up time)
        from soptrack.tui.screens.dialogs import NoteDialog

        target = self.status.sop.step(number).return_to

        def returned(note: str | None) -> None:
            if note:
                self.write(self.do_step(number, "return", note))

        self.app.push_screen(
            NoteDialog(
                f"Kembalikan langkah {number} ke langkah {target}",
                "Alasan pengembalian (wajib):",
            ),
            returned,
        )

    def action_note(self) -> None:
        number = self._step_number()
        if number is None:
            return
        # not on the first frame: imported when first shown (start-up time)
        from soptrack.tui.screens.dialogs import NoteDialog

        def noted(note: str | None) -> None:
            if note:
                self.write(self.do_step(number, "note", note))

        self.app.push_screen(NoteDialog(f"Catatan untuk langkah {number}", "Isi catatan:"), noted)

    def action_undo(self) -> None:
        self.write(self.undo())

    async def undo(self) -> None:
        services, run_id = self.state.services, self.run_id
        try:
            run = await off_loop(self, lambda: services.undo(run_id), self._waiting)
        except SoptrackError as exc:
            self.app.notify(str(exc), severity="error", title="Ditolak")
            self.reload()
            return
        entry = run.history[-1]
        self._after_write(run)
        self.focus_step(entry.step)
        self.app.notify(f"Langkah {entry.step}: {entry.note}.", title="Dibatalkan", timeout=3)

    def _after_write(self, run: Run) -> None:
        try:
            self._apply(self.state.status_of(run))
        except SoptrackError:
            self.reload()

    # -- other screens -----------------------------------------------------------------------

    def action_detail(self) -> None:
        number = self._step_number()
        if number is None:
            return
        # not on the first frame: imported when first shown (start-up time)
        from soptrack.tui.screens.detail import StepDetailScreen

        self.app.push_screen(StepDetailScreen(self.state, self.run_id, number, self.status))

    def action_pick_run(self) -> None:
        # not on the first frame: imported when first shown (start-up time)
        from soptrack.tui.screens.picker import RunPickerScreen

        async def picked(run_id: str | None) -> None:
            if run_id and run_id != self.run_id:
                await self.load(run_id)

        self.app.push_screen(RunPickerScreen(self.state, self.run_id), picked)

    def action_export(self) -> None:
        if self.status is None:
            return
        # not on the first frame: imported when first shown (start-up time)
        from soptrack.tui.screens.export import ExportDialog

        def chosen(choice: tuple[str, bool] | None) -> None:
            if choice is not None:
                self.export_document(*choice)

        self.app.push_screen(ExportDialog(self.run_id, self.status.sop.document_kinds), chosen)

    def export_document(self, kind: str, pdf: bool = False) -> None:
        """Write a document of this run in a worker thread; the paths (or the reason it was
        refused) arrive as a notification. The UI stays live meanwhile."""
        # not on the first frame: imported when first shown (start-up time)
        from soptrack.tui.screens.export import export_in_worker

        export_in_worker(self.app, self.state.services, self.run_id, kind, pdf)

    async def action_performance(self) -> None:
        if self.status is None:
            return
        if not self.status.sop.uses_performance_data:
            self.app.notify(
                f"{self.status.sop.name} tidak menyatakan dokumen dari data kinerja; "
                f"run {self.run_id} hanya punya lembar SOP (e).",
                severity="warning",
            )
            return
        # not on the first frame: imported when first shown (start-up time)
        from soptrack.tui.screens.performance import PerformanceScreen, load_data

        services, run_id = self.state.services, self.run_id
        try:
            loaded = await off_loop(self, lambda: load_data(services, run_id), self._waiting)
        except SoptrackError as exc:
            self.app.notify(str(exc), severity="error", title="Data kinerja")
            return
        screen = PerformanceScreen(services, run_id, loaded)

        def back(_saved: bool | None) -> None:
            self.reload()

        self.app.push_screen(screen, back)

    def action_flow(self) -> None:
        """The run as its flowchart."""
        # not on the first frame: imported when first shown (start-up time)
        from soptrack.tui.screens.flow import FlowScreen

        self.app.push_screen(FlowScreen(self.state, self.run_id))

    def action_overview(self) -> None:
        navigator(self).show_overview()

    def action_only_mine(self) -> None:
        if self.only_mine:
            self.only_mine = False
            for lane in self.lanes:
                lane.display = True
            self._size_lanes()
            self._show_header()
            self.app.notify("Semua lane ditampilkan.", timeout=2)
            return
        role = self.state.my_role()
        if not role:
            user = self.state.services.user
            self.app.notify(
                f"Pengguna {user} belum punya peran. Jalankan dengan --as PERAN atau minta "
                f"admin: soptrack office set peran.{user} PERAN",
                severity="warning",
                title="Tanpa peran",
            )
            return
        mine = [lane for lane in self.lanes if lane.lane.id == role]
        if not mine:
            self.app.notify(f"Peran {role} tidak punya lane di SOP ini.", severity="warning")
            return
        self.only_mine = True
        for lane in self.lanes:
            lane.display = lane in mine
        self._size_lanes()
        card = self.card
        if card is None or card.lane != role:
            self.focus_step(mine[0].cards[0].number if mine[0].cards else None)
        self._show_header()

    # -- search ----------------------------------------------------------------------------

    async def action_search(self) -> None:
        # Awaited as the key is handled: keys typed right after "/" wait for the box.
        search = await self._search_box()
        if self.focused is search:
            # "/" is a priority key: typed in the open box it is just a character.
            search.insert_text_at_cursor("/")
            return
        search.display = True  # at once: the class below is styled on the next refresh
        search.add_class("-open")
        # At once, not via focus(): keys typed right after "/" must land in the box.
        self.set_focus(search)

    async def action_clear_search(self) -> None:
        search = await self._search_box()
        was_open = search.has_class("-open")
        self._close_search(search)
        if search.value:
            search.value = ""
        self.query_text = ""
        self._apply_search()
        if was_open:
            self.action_goto_current()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "search":
            self.query_text = event.value.strip()
            self._apply_search()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "search":
            return
        self._close_search(event.input)
        matches = sorted(
            (c for c in self.cards.values() if c.matched and self._lane_of(c).display),
            key=lambda c: c.number,
        )
        if matches:
            self.put_cursor(matches[0])
        else:
            if self.query_text:
                self.app.notify(f"Tidak ada kartu yang cocok dengan “{self.query_text}”.")
            self.action_goto_current()

    def _close_search(self, search: Input) -> None:
        search.remove_class("-open")
        search.styles.clear_rule("display")  # back to the stylesheet: hidden

    def _apply_search(self) -> None:
        words = self.query_text.lower().split()
        changed = set()
        for card in self.cards.values():
            matched = all(w in card.haystack() for w in words) if words else None
            if card.set_match(matched):
                changed.add(card.lane)
        self._redraw(changed)
        self._show_header()
