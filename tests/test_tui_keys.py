"""Pilot tests at 80x24: every key of the board, asserting what the STORE holds afterwards."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from tui_fixtures import (
    USER,
    Recorder,
    app_for,
    async_test,
    fresh,
    make_run,
    services,
    wait_until,
)

from soptrack.main import main as cli_main
from soptrack.main import run_to_open
from soptrack.sop.errors import BadInput
from soptrack.sop.run import Action, StepState
from soptrack.tui.app import SoptrackApp
from soptrack.tui.screens.board import BoardScreen
from soptrack.tui.screens.detail import StepDetailScreen
from soptrack.tui.screens.dialogs import NewRunDialog, NoteDialog
from soptrack.tui.screens.help import HelpScreen
from soptrack.tui.screens.overview import OverviewScreen
from soptrack.tui.screens.picker import RunPickerScreen
from soptrack.tui.screens.welcome import WelcomeScreen

SIZE = (80, 24)


def stored(db: Path, run_id: str):
    return fresh(db).repo.get_run(run_id)


def state_of(db: Path, run_id: str, number: int) -> StepState:
    return stored(db, run_id).record(number).state


def focused_number(app: SoptrackApp) -> int | None:
    """The step under the board's cursor (None when the search box has the focus)."""
    screen = app.screen
    card = screen.card if isinstance(screen, BoardScreen) else None
    return card.number if card is not None else None


def drawn(app: SoptrackApp, number: int) -> str:
    """Card `number` as its lane draws it, border included."""
    board = app.screen
    assert isinstance(board, BoardScreen)
    card = board.cards[number]
    lane = next(lane for lane in board.lanes if card in lane.cards)
    return "\n".join(lane.card_lines(number))


async def focus_step(pilot, number: int) -> None:
    pilot.app.screen.focus_step(number)
    await pilot.pause()
    assert focused_number(pilot.app) == number


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "soptrack.json"


# -- opening ---------------------------------------------------------------------------------


@async_test
async def test_open_lands_on_board_with_current_step_focused(db: Path) -> None:
    run_id = make_run(db, done=[1, 2, 3], start=4)
    app = app_for(db, run_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        assert focused_number(app) == 4
        lanes = [lane.lane.id for lane in app.screen.lanes]
        assert lanes == ["kadis", "sekretaris", "sek-tim-sakip", "anggota-tim-sakip"]


@async_test
async def test_renstra_board_has_six_lanes_and_cards_in_first_lane(db: Path) -> None:
    run_id = make_run(db, "monitoring-renstra", title="Monitoring RENSTRA 2026")
    app = app_for(db, run_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert len(screen.lanes) == 6
        # Step 5 names six lanes; its card sits in the first one only.
        assert screen.cards[5].lane == "kasubag-perencanaan"
        assert sum(len(lane.cards) for lane in screen.lanes) == 10


def test_open_unknown_run_is_refused_before_the_app_starts(db: Path, capsys) -> None:
    make_run(db)
    with pytest.raises(BadInput):
        run_to_open(services(db), "pk-99")
    assert run_to_open(services(db), " 1 ") == "pk-1"  # the app is given the id as stored
    code = cli_main(["--db", str(db), "open", "pk-99"])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "pk-99" in err[0]


@async_test
async def test_no_args_on_runs_opens_overview_and_enter_opens_board(db: Path) -> None:
    first = make_run(db, done=[1])
    make_run(db, "monitoring-renstra", title="Monitoring RENSTRA 2026")
    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        assert app.screen.run_ids == [first, "mr-2"]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen) and app.screen.run_id == first
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        await pilot.press("j", "enter")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen) and app.screen.run_id == "mr-2"


# -- moving ---------------------------------------------------------------------------------


@async_test
async def test_arrows_and_hjkl_move_between_cards_and_lanes(db: Path) -> None:
    run_id = make_run(db)
    app = app_for(db, run_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert focused_number(app) == 1  # kadis: 1, 9, 11
        await pilot.press("down")
        assert focused_number(app) == 9
        await pilot.press("j")
        assert focused_number(app) == 11
        await pilot.press("j")  # bottom of the lane: stays
        assert focused_number(app) == 11
        await pilot.press("k", "up")
        assert focused_number(app) == 1
        await pilot.press("right")  # sekretaris: 2, 6, 8, 10 -> nearest to 1
        assert focused_number(app) == 2
        await pilot.press("l")  # sek-tim-sakip: 3, 4, 5, 7, 12
        assert focused_number(app) == 3
        await pilot.press("l")  # anggota-tim-sakip: 13
        assert focused_number(app) == 13
        await pilot.press("l")  # last lane: stays
        assert focused_number(app) == 13
        await pilot.press("h", "left")
        assert focused_number(app) == 10  # nearest to 13 in sekretaris


@async_test
async def test_six_lanes_at_80_columns_keep_the_focused_card_visible(db: Path) -> None:
    run_id = make_run(db, "monitoring-renstra", title="Monitoring RENSTRA 2026", done=[1, 2, 3, 4])
    app = app_for(db, run_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        # at open: the current step, last in its lane, is scrolled into view
        assert focused_number(app) == 5
        assert await wait_until(pilot, lambda: app.focused.card_region(5) is not None, 5)
        for key in ["h", "l", "l", "j", "j", "j", "h", "j"]:
            await pilot.press(key)
            await pilot.pause()
            board = app.screen
            card = board.card
            assert card is not None and app.focused in board.lanes
            region = app.focused.card_region(card.number)
            assert region is not None and region.width > 0 and region.height > 0
            assert region.x >= 0 and region.right <= 80 and region.bottom <= 24


# -- step actions ---------------------------------------------------------------------------


@async_test
async def test_start_and_done_are_stored_and_cursor_follows_the_run(db: Path) -> None:
    run_id = make_run(db)
    app = app_for(db, run_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        record = stored(db, run_id).record(1)
        assert record.state is StepState.BERJALAN and record.user == USER
        await pilot.press("d")
        await pilot.pause()
        assert state_of(db, run_id, 1) is StepState.SELESAI
        assert focused_number(app) == 2  # the new current step
        assert "✓ SELESAI" in drawn(app, 1)


@async_test
async def test_refused_transition_notifies_the_reason_and_changes_nothing(db: Path) -> None:
    run_id = make_run(db)
    app = app_for(db, run_id)
    recorder = Recorder(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await focus_step(pilot, 2)
        before = stored(db, run_id)
        await pilot.press("s")  # step 1 not done yet
        await pilot.press("d")  # step 2 not started
        await pilot.press("a")  # not a decision, not started
        await pilot.pause()
        assert stored(db, run_id) == before
        errors = recorder.errors()
        assert any("langkah 1 belum selesai" in e for e in errors)
        assert any("Langkah 2 belum dimulai" in e for e in errors)
        assert isinstance(app.screen, BoardScreen)


@async_test
async def test_approve_on_the_decision_is_stored(db: Path) -> None:
    run_id = make_run(db, done=range(1, 9), start=9)
    app = app_for(db, run_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert focused_number(app) == 9
        await pilot.press("a")
        await pilot.pause()
        run = stored(db, run_id)
        assert run.record(9).state is StepState.SELESAI
        assert run.history[-1].action is Action.APPROVE
        assert focused_number(app) == 10


@async_test
async def test_done_on_a_decision_is_refused(db: Path) -> None:
    run_id = make_run(db, done=range(1, 9), start=9)
    app = app_for(db, run_id)
    recorder = Recorder(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert state_of(db, run_id, 9) is StepState.BERJALAN
        assert any("keputusan" in e for e in recorder.errors())


@async_test
async def test_return_asks_for_a_note_refuses_empty_and_stores_it(db: Path) -> None:
    run_id = make_run(db, done=range(1, 9), start=9)
    app = app_for(db, run_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        await pilot.press("enter")  # empty note: refused, dialog stays
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        assert "tidak boleh kosong" in str(app.screen.query_one("#error").render())
        assert state_of(db, run_id, 9) is StepState.BERJALAN
        await pilot.press(*"target belum sesuai")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        run = stored(db, run_id)
        assert run.record(8).state is StepState.DIKEMBALIKAN
        assert run.record(9).state is StepState.BELUM
        assert run.history[-1].action is Action.RETURN
        assert run.history[-1].note == "target belum sesuai"
        assert focused_number(app) == 8


@async_test
async def test_return_cancelled_with_escape_changes_nothing(db: Path) -> None:
    run_id = make_run(db, done=range(1, 9), start=9)
    app = app_for(db, run_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        before = stored(db, run_id)
        await pilot.press("r", "x", "escape")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        assert stored(db, run_id) == before


@async_test
async def test_return_on_a_process_step_is_refused_without_asking(db: Path) -> None:
    run_id = make_run(db, start=1)
    app = app_for(db, run_id)
    recorder = Recorder(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        assert any("bukan keputusan" in e for e in recorder.errors())
        assert state_of(db, run_id, 1) is StepState.BERJALAN


@async_test
async def test_note_is_stored_on_the_focused_step(db: Path) -> None:
    run_id = make_run(db, start=1)
    app = app_for(db, run_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down")  # step 9: notes are allowed on any step
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        await pilot.press(*"cek lampiran")
        await pilot.press("enter")
        await pilot.pause()
        notes = stored(db, run_id).record(9).notes
        assert [n.text for n in notes] == ["cek lampiran"]
        assert notes[0].user == USER


@async_test
async def test_undo_reverts_the_last_transition(db: Path) -> None:
    run_id = make_run(db, done=[1], start=2)
    app = app_for(db, run_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        run = stored(db, run_id)
        assert run.record(2).state is StepState.BELUM
        assert run.history[-1].action is Action.UNDO
        assert focused_number(app) == 2
        await pilot.press("u")
        await pilot.pause()
        assert state_of(db, run_id, 1) is StepState.BERJALAN


@async_test
async def test_undo_with_nothing_to_undo_is_refused(db: Path) -> None:
    run_id = make_run(db)
    app = app_for(db, run_id)
    recorder = Recorder(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        assert any("bisa dibatalkan" in e for e in recorder.errors())
        assert stored(db, run_id).history == ()


@async_test
async def test_enforced_roles_refuse_a_step_outside_my_lane(db: Path) -> None:
    run_id = make_run(db)
    admin = services(db)
    admin.set_office("peran.tester", "sekretaris")
    admin.set_office("peran.kepala", "admin")
    admin.set_office("peran.wajib", "ya")
    app = app_for(db, run_id)
    recorder = Recorder(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("s")  # step 1 is the Kadis's
        await pilot.pause()
        assert state_of(db, run_id, 1) is StepState.BELUM
        assert any("tidak boleh mengubahnya" in e for e in recorder.errors())


# -- other screens --------------------------------------------------------------------------


@async_test
async def test_enter_opens_step_detail_with_sop_text_notes_and_history(db: Path) -> None:
    run_id = make_run(db, done=range(1, 9), start=9)
    svc = services(db)
    svc.act(run_id, 9, "note", "mohon dicek")
    app = app_for(db, run_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, StepDetailScreen)
        body = str(app.screen.query_one("#detail-body").render())
        for expected in [
            "Langkah 9",
            "Kegiatan",
            "Mutu Baku",
            "Kelengkapan",
            "Output",
            "Waktu",
            "mohon dicek",
            "Riwayat",
            "mulai",
            "◆ keputusan",
        ]:
            assert expected in body, expected
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)


@async_test
async def test_help_starts_with_the_keys_of_the_screen_it_was_asked_on(db: Path) -> None:
    """`?` is 'every key of the screen': that screen's section comes first (on the welcome
    screen it started with the board's keys), then the keys of everywhere, then the rest."""
    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert [title for title, _ in app.screen.sections][:2] == ["Layar awal", "Di mana saja"]
        await pilot.press("escape")
        await pilot.pause()
    run_id = make_run(db)
    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        assert [title for title, _ in app.screen.sections][:2] == ["Ikhtisar", "Di mana saja"]
        assert len(app.screen.sections) == len(app.help_sections())  # every section still
    app = app_for(db, run_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen.sections[0][0] == "Papan run"


@async_test
async def test_help_lists_every_board_key(db: Path) -> None:
    run_id = make_run(db)
    app = app_for(db, run_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(f"{k} {d}" for _, rows in app.help_sections() for k, d in rows)
        for key in [
            "↑",
            "k",
            "Enter",
            " s ",
            " d ",
            " a ",
            " r ",
            " n ",
            " u ",
            " p ",
            " o ",
            " m ",
            "/",
            "?",
            " q ",
        ]:
            assert key in f" {text} ", key
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)


@async_test
async def test_command_palette_offers_the_board_actions(db: Path) -> None:
    run_id = make_run(db)
    app = app_for(db, run_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for word in [
            "Mulai",
            "Selesai",
            "Setujui",
            "Kembalikan",
            "Catatan",
            "Urungkan",
            "Pilih run",
            "Ikhtisar",
            "Laneku",
            "Cari",
            "Bantuan",
            "Keluar",
        ]:
            assert any(word in t for t in titles), word
        command = next(c for c in app.get_system_commands(app.screen) if "Mulai" in c.title)
        await command.callback()
        await pilot.pause()
        assert state_of(db, run_id, 1) is StepState.BERJALAN


@async_test
async def test_run_picker_switches_the_board(db: Path) -> None:
    first = make_run(db)
    second = make_run(db, "monitoring-renstra", title="Monitoring RENSTRA 2026")
    app = app_for(db, first)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, RunPickerScreen)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        assert app.screen.run_id == second
        assert len(app.screen.lanes) == 6


@async_test
async def test_only_my_lane_without_a_role_says_so(db: Path) -> None:
    run_id = make_run(db)
    app = app_for(db, run_id)
    recorder = Recorder(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert any("belum punya peran" in w for w in recorder.warnings())
        assert all(lane.display for lane in app.screen.lanes)


@async_test
async def test_only_my_lane_with_a_role(db: Path) -> None:
    run_id = make_run(db)
    app = app_for(db, run_id, as_role="sekretaris")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        shown = [lane.lane.id for lane in app.screen.lanes if lane.display]
        assert shown == ["sekretaris"]
        assert focused_number(app) == 2
        await pilot.press("m")
        await pilot.pause()
        assert all(lane.display for lane in app.screen.lanes)


@async_test
async def test_search_highlights_matches_and_focuses_the_first(db: Path) -> None:
    run_id = make_run(db)
    app = app_for(db, run_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"rapat")
        await pilot.pause()
        cards = app.screen.cards
        matched = {n for n, c in cards.items() if c.matched}
        assert {4, 5} <= matched and 1 not in matched  # label or full Kegiatan
        assert cards[1].matched is False
        assert "» 4" in drawn(app, 4) and "» " not in drawn(app, 1)
        await pilot.press("enter")
        await pilot.pause()
        assert focused_number(app) == min(matched)
        await pilot.press("j")  # keys move again once the search box is closed
        assert focused_number(app) == 4
        await pilot.press("escape")
        await pilot.pause()
        assert all(c.matched is None for c in cards.values())


@async_test
async def test_q_quits(db: Path) -> None:
    run_id = make_run(db)
    app = app_for(db, run_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


# -- empty database, new runs, the sample ---------------------------------------------------


@async_test
async def test_empty_database_offers_a_new_run(db: Path) -> None:
    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, NewRunDialog)
        await pilot.press("tab", *"PK Dinsos 2026", "enter", "enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, BoardScreen), 10)
        runs = fresh(db).repo.list_runs()
        assert [(r.sop_id, r.title, r.year) for r in runs] == [
            ("pengukuran-kinerja", "PK Dinsos 2026", 2026)
        ]
        assert isinstance(app.screen, BoardScreen) and app.screen.run_id == runs[0].id
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)


@async_test
async def test_a_new_run_waiting_for_the_lock_leaves_the_screen_answering(db: Path) -> None:
    """Starting a run is a write: while a colleague holds the lock it waits in a worker,
    says so, and the keys keep working; the board opens once the lock is free."""
    from filelock import FileLock

    from soptrack.tui.screens.help import HelpScreen
    from soptrack.tui.store_calls import WAITING_TEXT

    app = app_for(db)
    seen = Recorder(app)
    held = FileLock(str(db) + ".lock")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, NewRunDialog)
        held.acquire()  # a colleague's long write
        try:
            await pilot.press("tab", *"Ditunggu", "enter", "enter")
            assert await wait_until(pilot, lambda: WAITING_TEXT in seen.infos(), 10)
            await pilot.press("question_mark")  # the screen still answers
            assert await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), 10)
            await pilot.press("escape")
            assert await wait_until(pilot, lambda: isinstance(app.screen, WelcomeScreen), 10)
            assert fresh(db).repo.list_runs() == []
        finally:
            held.release()
        assert await wait_until(pilot, lambda: isinstance(app.screen, BoardScreen), 10)
        [run] = fresh(db).repo.list_runs()
        assert run.title == "Ditunggu" and app.screen.run_id == run.id


@async_test
async def test_a_new_run_or_the_sample_from_a_board_opened_directly(db: Path) -> None:
    """`soptrack open RUN` puts the board at the bottom of the stack: starting a run (or
    opening the sample) from the palette replaces it with the new run's board. Two boards
    with one screen id made Textual stop with DuplicateIds."""
    run_id = make_run(db)
    app = app_for(db, run_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.action_new_run()
        assert await wait_until(pilot, lambda: isinstance(app.screen, NewRunDialog), 10)
        await pilot.press("tab", *"Dari papan", "enter", "enter")
        assert await wait_until(
            pilot,
            lambda: isinstance(app.screen, BoardScreen) and app.screen.run_id != run_id,
            10,
        )
        assert [r.title for r in fresh(db).repo.list_runs()][-1] == "Dari papan"
        app.action_open_demo()
        assert await wait_until(pilot, lambda: app.state.demo, 10)
        assert await wait_until(
            pilot,
            lambda: isinstance(app.screen, BoardScreen) and app.screen.run_id == "contoh-1",
            10,
        )
        assert len(app.screen_stack) == 1


@async_test
async def test_a_year_of_other_digits_is_refused_in_the_dialog(db: Path) -> None:
    """Superscript digits are digits to str.isdigit() but not to int(): the dialog says
    what a year is instead of failing."""
    from textual.widgets import Input, Static

    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, NewRunDialog)
        year = app.screen.query_one("#year", Input)
        year.value = "\u00b2\u2070\u00b2\u2076"  # ²⁰²⁶
        year.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, NewRunDialog)
        assert "Tahun harus angka" in str(app.screen.query_one("#error", Static).render())
        assert fresh(db).repo.list_runs() == []


@async_test
async def test_a_year_out_of_range_is_said_in_the_dialog_which_stays_open(db: Path) -> None:
    """A typo in the year (206) is refused inside the dialog, with what was typed kept:
    it closed before, losing the title, with a message naming a command-line flag."""
    from textual.widgets import Input, Static

    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, NewRunDialog)
        await pilot.press("tab", *"Judul panjang", "enter")
        year = app.screen.query_one("#year", Input)
        year.value = "206"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, NewRunDialog)
        said = str(app.screen.query_one("#error", Static).render())
        assert "tidak masuk akal" in said and "--year" not in said
        assert app.screen.query_one("#title", Input).value == "Judul panjang"
        year.value = "2026"
        year.focus()
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, BoardScreen), 10)
        assert [r.title for r in fresh(db).repo.list_runs()] == ["Judul panjang"]


@async_test
async def test_new_run_with_empty_title_uses_the_suggestion(db: Path) -> None:
    make_run(db)
    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NewRunDialog)
        await pilot.press("tab", "enter", "enter")
        assert await wait_until(pilot, lambda: len(fresh(db).repo.list_runs()) == 2, 10)
        titles = [r.title for r in fresh(db).repo.list_runs()]
        assert titles[-1] == "Pengukuran Kinerja 2026"


@async_test
async def test_sample_run_lives_in_a_separate_demo_database(db: Path) -> None:
    app = app_for(db)
    seen = Recorder(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("c", "c")  # a second press while the sample is written: one sample
        assert await wait_until(pilot, lambda: isinstance(app.screen, BoardScreen), 10)
        assert app.state.demo
        header = str(app.screen.query_one("#run-header").render())
        assert "CONTOH" in header
        demo_db = app.state.services.repo.path
        assert demo_db != fresh(db).repo.path and demo_db.parent == db.parent
        assert fresh(db).repo.list_runs() == []
        [demo_run] = services(demo_db).repo.list_runs()
        assert demo_run.record(8).state is StepState.BERJALAN
        assert demo_run.record(8).revisions == 1
        assert demo_run.id == "contoh-1"  # never "pk-1", like a real run
        # the way back is a key on the bar (not only in the palette)
        assert " x Tutup CONTOH" in str(app.screen.query_one(".keybar").render())
        await pilot.press("x")
        assert await wait_until(pilot, lambda: isinstance(app.screen, WelcomeScreen), 10)
        await pilot.pause()
        assert not app.state.demo
        assert seen.errors() == []  # the sample's board never reloads from the real database
        assert "CONTOH" not in str(app.screen.query_one(".keybar").render())
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Tutup CONTOH (x)" not in titles and "Tinggalkan CONTOH" not in titles


# -- several users --------------------------------------------------------------------------


@async_test
async def test_change_by_another_services_appears_keeping_cursor_and_dialog(db: Path) -> None:
    run_id = make_run(db, done=[1], start=2)
    app = SoptrackApp(services(db), run_id)  # the real 1 s poll
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down")  # sekretaris: 2 -> 6
        assert focused_number(app) == 6
        await pilot.press("n", *"sedang")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        services(db, user="kolega").act(run_id, 2, "done")
        board = app.screen_stack[-2]
        assert await wait_until(
            pilot, lambda: board.cards[2].status.state is StepState.SELESAI, 2.0
        )
        # The dialog and what the user was typing are untouched.
        assert isinstance(app.screen, NoteDialog)
        assert app.screen.query_one("#note").value == "sedang"
        await pilot.press(*" ditulis", "enter")
        await pilot.pause()
        assert focused_number(app) == 6
        notes = stored(db, run_id).record(6).notes
        assert [n.text for n in notes] == ["sedang ditulis"]


@async_test
async def test_change_from_the_command_line_appears_within_two_seconds(db: Path) -> None:
    run_id = make_run(db, done=[1], start=2)
    app = SoptrackApp(services(db), run_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        result = subprocess.run(
            [sys.executable, "-m", "soptrack", "--db", str(db), "step", run_id, "2", "done"],
            capture_output=True,
            text=True,
            env=dict(os.environ),
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        board = app.screen
        assert await wait_until(
            pilot, lambda: board.cards[2].status.state is StepState.SELESAI, 2.0
        )
        assert "2/13" in str(board.query_one("#run-header").render())


@async_test
async def test_stale_screen_is_checked_against_the_fresh_state(db: Path) -> None:
    run_id = make_run(db, start=1)
    app = SoptrackApp(services(db), run_id, poll_seconds=3600)  # no refresh in between
    recorder = Recorder(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        services(db, user="kolega").act(run_id, 1, "done")
        await pilot.press("d")  # the screen still says BERJALAN
        await pilot.pause()
        assert any("belum dimulai" in e or "selesai" in e for e in recorder.errors())
        run = stored(db, run_id)
        assert run.record(1).user == "kolega"
        assert len(run.history) == 2
        # The refusal re-read the store: the card now shows the colleague's change.
        assert app.screen.cards[1].status.state is StepState.SELESAI


@async_test
async def test_no_color_still_tells_states_apart(db: Path, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    run_id = make_run(db, done=[1], start=2)
    app = app_for(db, run_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "✓ SELESAI" in drawn(app, 1)
        assert "▶ BERJALAN" in drawn(app, 2)
        assert "○ BELUM" in drawn(app, 3)
        assert "KINI" in drawn(app, 2).splitlines()[-1]
        # the shapes tell cursor and current step apart without colour
        app.screen.focus_step(3)
        await pilot.pause()
        assert drawn(app, 3)[0] == "┏" and drawn(app, 2)[0] == "╔" and drawn(app, 1)[0] == "╭"


@async_test
async def test_r_on_a_stale_screen_asks_for_a_reason_never_returns_silently(db: Path) -> None:
    run_id = make_run(db, done=range(1, 9))
    app = SoptrackApp(services(db), run_id, poll_seconds=60)  # the screen stays stale
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g")  # step 9, shown as BELUM
        await pilot.pause()
        fresh(db).act(run_id, 9, "start")  # a colleague starts it meanwhile
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)  # decided on the stored run: ask why
        await pilot.press("escape")
        await pilot.pause()
    run = stored(db, run_id)
    assert run.record(9).state is StepState.BERJALAN and run.revisions == 0
    assert [e.action.value for e in run.history][-1] == "start"


# -- [keys]: the user's key overrides --------------------------------------------------------


@async_test
async def test_key_overrides_from_config_work_and_are_shown(db: Path) -> None:
    from soptrack.services.config import Config, Setting

    run_id = make_run(db)
    config = Config(db=Setting(str(db), "test"), keys={"start": "x", "help": "f1"})
    app = SoptrackApp(services(db, config=config), run_id, poll_seconds=0.2)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        keybar = str(app.screen.query_one(".keybar").render())
        assert " x Mulai" in keybar and " s Mulai" not in keybar
        await pilot.press("s")  # the old key no longer starts the step
        await pilot.pause()
        assert fresh(db).repo.get_run(run_id).record(1).state is StepState.BELUM
        await pilot.press("x")
        await pilot.pause()
        assert fresh(db).repo.get_run(run_id).record(1).state is StepState.BERJALAN
        rows = dict(app.help_sections())["Papan run"]
        assert ("x", "Mulai") in rows and ("f1", "Bantuan") in rows
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert "Mulai (x)" in commands
        assert len([c for c in commands if c.startswith("Bantuan")]) == 1


def test_keys_table_in_config_is_read_and_checked(tmp_path: Path, monkeypatch) -> None:
    from soptrack.services.config import load_config

    user = tmp_path / "cfg" / "soptrack" / "config.toml"
    user.parent.mkdir(parents=True)
    user.write_text('[keys]\nstart = "x"\nsearch = "slash,ctrl+f"\n', encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.setenv("SOPTRACK_CONFIG", str(tmp_path / "none.toml"))
    assert load_config(str(tmp_path / "db.json")).keys == {"start": "x", "search": "slash,ctrl+f"}
    user.write_text('[keys]\nstart = "x y"\n', encoding="utf-8")
    with pytest.raises(BadInput, match="keys.start"):
        load_config(str(tmp_path / "db.json"))


@async_test
async def test_keys_typed_ahead_of_the_new_run_dialog_are_not_lost(db: Path) -> None:
    """`b Tab PK Dinsos 2026 Enter Enter` sent at once, as a fast typist or a loaded
    machine delivers them: every key lands where it was meant."""
    from textual import events

    app = app_for(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        keys = [("b", "b"), ("tab", None), *[(c if c != " " else "space", c) for c in "PK Dinsos"]]
        keys += [("enter", None), ("enter", None)]
        for key, character in keys:
            app.post_message(events.Key(key, character))
        for _ in range(50):
            await pilot.pause()
            if services(db).repo.run_count():
                break
        runs = services(db).repo.list_runs()
        assert [r.title for r in runs] == ["PK Dinsos"]


@pytest.mark.parametrize("width", [80, 120, 160])
def test_key_bar_shows_every_key_at_any_width(width: int) -> None:
    from soptrack.tui.keys import bindings, key_text
    from soptrack.tui.widgets.keybar import render_keys

    entries = [
        (key_text(b.key, short=True), b.description)
        for b in bindings(BoardScreen.BINDINGS)
        if b.show and b.id != "help"
    ]
    bar = render_keys(entries, ("?", "Bantuan"), width).plain
    assert len(bar) <= width, bar
    shown = [span for span in bar.split()]
    for key, _ in entries:
        assert key in shown, (key, bar)
    assert bar.rstrip().endswith("? Bantuan")
    for key in ["g", "p", "o", "m", "e", "i", "/", "q"]:
        assert key in shown


@async_test
async def test_notifications_never_stack_nor_cover_a_dialog(db: Path) -> None:
    from textual.widgets._toast import Toast

    run_id = make_run(db)
    app = app_for(db, run_id)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        for i in range(3):
            app.notify(f"pesan {i}")
        await pilot.pause()
        assert len(list(app._notifications)) == 1  # the last one only
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        app.notify("di bawah dialog")
        await pilot.pause()
        assert not app.screen.query(Toast)  # waits under the dialog
        await pilot.press("escape")
        await pilot.pause()
        await pilot.pause()
        assert app.screen.query(Toast)  # and shows once it is closed


@async_test
async def test_a_write_waiting_for_the_lock_says_so_and_keys_keep_working(db: Path) -> None:
    from filelock import FileLock

    from soptrack.tui.store_calls import WAITING_TEXT

    run_id = make_run(db)
    app = app_for(db, run_id)
    held = FileLock(str(db) + ".lock")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert focused_number(app) == 1
        held.acquire()  # a colleague's long write
        try:
            await pilot.press("s")
            header = app.screen.query_one("#run-header")
            assert await wait_until(pilot, lambda: WAITING_TEXT in str(header.render()), 10)
            await pilot.press("down")  # the screen still answers while the write waits
            assert await wait_until(pilot, lambda: focused_number(app) != 1, 10)
        finally:
            held.release()
        assert await wait_until(
            pilot,
            lambda: fresh(db).repo.get_run(run_id).record(1).state is StepState.BERJALAN,
            10,
        )
        assert await wait_until(pilot, lambda: WAITING_TEXT not in str(header.render()), 10)


@async_test
async def test_textual_words_are_indonesian(db: Path) -> None:
    from textual.command import CommandPalette
    from textual.widgets import Input

    run_id = make_run(db)
    app = app_for(db, run_id)
    seen = Recorder(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+c")  # a reflex to quit: says which key quits, in Indonesian
        await pilot.pause()
        assert any("Tekan q untuk keluar" in m for m in seen.infos()), seen.infos()
        await pilot.press("m")  # only my lane: named as the SOP names it, not its id
        await pilot.pause()
        header = str(app.screen.query_one("#run-header").render())
        assert "sek-tim-sakip" not in header and "sekretaris" not in header.split("lane ")[-1]
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        assert app.screen.query_one(Input).placeholder.startswith("Cari perintah")
        await pilot.press("escape")
        await pilot.pause()
        app.action_change_theme()  # the palette's "Tema"
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        assert app.screen.query_one(Input).placeholder == "Cari tema…"


@async_test
async def test_overview_shows_a_colleagues_new_run_read_in_a_thread(db: Path) -> None:
    import threading

    make_run(db)
    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OverviewScreen) and screen.run_ids == ["pk-1"]
        readers: list[str] = []
        original = app.state.page

        def page(*args):
            readers.append(threading.current_thread().name)
            return original(*args)

        app.state.page = page  # type: ignore[method-assign]
        services(db, user="kolega").new_run("pengukuran-kinerja", "Kolega", 2026)
        assert await wait_until(pilot, lambda: screen.run_ids == ["pk-1", "pk-2"], 10)
        assert readers and threading.main_thread().name not in readers


@async_test
async def test_step_detail_paints_from_the_board_and_rereads_in_a_worker(db: Path) -> None:
    """Enter reads nothing on the event loop (the board's status is as fresh as the board);
    a colleague's change is re-read in a thread and shown."""
    run_id = make_run(db)
    app = app_for(db, run_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        board = app.screen
        calls: list[threading.Thread] = []
        original = app.state.run_status

        def watched(ref: str):
            calls.append(threading.current_thread())
            return original(ref)

        app.state.run_status = watched  # type: ignore[method-assign]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, StepDetailScreen) and app.screen is not board
        assert "Langkah 1" in str(app.screen.query_one("#detail-body").render())
        assert all(t is not threading.main_thread() for t in calls)
        fresh(db).act(run_id, 1, "note", "dari rekan")
        assert await wait_until(
            pilot, lambda: "dari rekan" in str(app.screen.query_one("#detail-body").render()), 10
        )
        assert calls and all(t is not threading.main_thread() for t in calls)


@async_test
async def test_overview_reads_a_page_at_a_time_and_a_shows_every_year(
    db: Path, monkeypatch
) -> None:
    """Ten years of runs open as fast as ten runs: the first page before the first frame,
    the next as the cursor nears the end; finished runs of other years only with `a`."""
    from soptrack.tui.screens import overview

    monkeypatch.setattr(overview, "PAGE", 4)
    monkeypatch.setattr(overview, "AHEAD", 2)
    office = services(db)
    this_year = office.clock().year
    for number in range(9):
        office.new_run("pengukuran-kinerja", f"Run {number}", this_year)
    old = office.new_run("pengukuran-kinerja", "Tahun lalu", this_year - 1).id
    for step in range(1, 14):
        record = services(db).repo.get_run(old).record(step)
        if record.state is not StepState.SELESAI:
            for action in ("start", "done") if step != 9 else ("start", "approve"):
                services(db).act(old, step, action)
    assert services(db).repo.get_run(old).record(13).state is StepState.SELESAI
    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OverviewScreen)
        assert len(screen.run_ids) == 4 and screen.total == 9
        title = str(screen.query_one("#overview-title").render())
        assert "9 run (tahun ini + belum selesai)" in title and "1 lainnya: tekan a" in title
        for _ in range(3):
            await pilot.press("j")
        assert await wait_until(pilot, lambda: len(screen.run_ids) == 8, 10)
        for _ in range(5):
            await pilot.press("j")
        assert await wait_until(pilot, lambda: len(screen.run_ids) == 9, 10)
        assert old not in screen.run_ids
        await pilot.press("a")
        await pilot.pause()
        assert screen.total == 10 and screen.selected() == screen.run_ids[0]
        title = str(screen.query_one("#overview-title").render())
        assert "10 run (semua tahun)" in title
        await pilot.press(*["j"] * 9)
        assert await wait_until(pilot, lambda: old in screen.run_ids, 10)


@async_test
async def test_search_typed_ahead_at_open_lands_in_the_box(db: Path) -> None:
    """The search box is mounted after the first frame; "/" and the words typed right after
    it (a paste, typing ahead over SSH) still all land in it, in order."""
    from textual.widgets import Input

    run_id = make_run(db)
    app = app_for(db, run_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"rapat")
        await pilot.pause()
        box = app.screen.query_one("#search", Input)
        assert box.value == "rapat" and app.focused is box
        assert {4, 5} <= {n for n, c in app.screen.cards.items() if c.matched}


@async_test
async def test_overview_table_keys_and_mouse(db: Path) -> None:
    """PgDn/End/Home move the overview's cursor; a double click opens the run's board."""
    office = services(db)
    for number in range(12):
        office.new_run("pengukuran-kinerja", f"Run {number}", office.clock().year)
    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OverviewScreen) and screen.selected() == screen.run_ids[0]
        await pilot.press("down", "down", "up")  # the arrows move the cursor, not the view
        assert screen.selected() == screen.run_ids[1]
        assert screen.query_one("#runs").scroll_offset.y == 0
        await pilot.press("end")
        assert screen.selected() == screen.run_ids[-1]
        await pilot.press("home", "pagedown")
        assert screen.run_ids.index(screen.selected()) > 3
        table = screen.query_one("#runs")
        target = screen.run_ids[table.cursor_row]
        await pilot.click("#runs", offset=(3, 1 + 2 * table.cursor_row - table.scroll_offset.y))
        await pilot.click(
            "#runs", offset=(3, 1 + 2 * table.cursor_row - table.scroll_offset.y), times=2
        )
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen) and app.screen.run_id == target


@async_test
async def test_overview_rows_start_whole_after_moves_and_resizes(db: Path) -> None:
    """Rows are two lines: the table never starts with a row's second line (seen after a
    resize to a wide terminal and back, and at the last row of an odd viewport)."""
    office = services(db)
    for number in range(30):
        office.new_run("pengukuran-kinerja", f"Run {number}", office.clock().year)
    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#runs")
        for step in ("down", "end", "home", "pagedown", "pagedown", "up"):
            for width, height in ((80, 24), (200, 50), (80, 25), (80, 24), (100, 31)):
                await pilot.press(step)
                await pilot.resize_terminal(width, height)
                await pilot.pause()
                assert table.scroll_offset.y % 2 == 0, (step, width, height)
                top = table.scroll_offset.y // 2
                shown = (table.scrollable_content_region.height - 1) // 2
                assert top <= table.cursor_row < top + max(1, shown), (step, width, height)


@async_test
async def test_search_in_only_my_lane_stays_in_my_lane(db: Path) -> None:
    run_id = make_run(db)
    app = app_for(db, run_id, as_role="sekretaris")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("slash", *"data", "enter")
        await pilot.pause()
        card = app.screen.card
        assert card is not None and card.lane == "sekretaris"
        assert app.focused.display


def test_a_notice_arriving_while_the_app_closes_is_dropped(db: Path) -> None:
    """A write's notice can reach the app after its screens are gone (its worker finished
    as the user quit): it is dropped, not an error that ends the app with a traceback."""
    app = app_for(db)
    assert not app.screen_stack
    app._refresh_notifications()  # raised ScreenStackError
