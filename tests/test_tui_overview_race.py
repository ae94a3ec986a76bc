"""The overview's pages and its refreshes, in the orders a loaded machine can run them.

The overview reads a page of runs in a worker while another worker may re-read the first
rows because a colleague wrote. Which one finishes first is up to the threads; these tests
hold one read at a gate (after it has read the store) until the other has been shown, so the
unlucky orders run every time, and check what the user sees against what the store holds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from tui_fixtures import app_for, async_test, fresh, services, wait_until

from soptrack.services.core import Scope, Services
from soptrack.sop.errors import BadInput
from soptrack.sop.model import Sop
from soptrack.sop.run import Run
from soptrack.sop.status import RunStatus
from soptrack.tui.app import SoptrackApp
from soptrack.tui.screens.overview import AHEAD, PAGE, OverviewScreen
from soptrack.tui.widgets.run_table import RunTable

SIZE = (80, 24)
RUNS = PAGE + 10  # a first page and part of a second
SECONDS = 20  # how long a condition may take on a loaded machine (a bound, not a wait)


class Gate:
    """Wraps `AppState.page`: the first read `chosen` by its offset reads the store, then
    waits for `release` before its rows go back to the screen (a read overtaken)."""

    def __init__(self, page: Callable[..., tuple[list[RunStatus], int]]) -> None:
        self.page = page
        self.chosen: Callable[[int], bool] | None = None
        self.held = threading.Event()  # the chosen read has read the store and waits
        self.release = threading.Event()
        self.done = threading.Event()  # the chosen read returned its rows

    def hold(self, chosen: Callable[[int], bool]) -> None:
        self.chosen = chosen

    def __call__(self, scope: Scope, offset: int, limit: int) -> tuple[list[RunStatus], int]:
        result = self.page(scope, offset, limit)
        if self.chosen is not None and self.chosen(offset):
            self.chosen = None
            self.held.set()
            try:
                self.release.wait(timeout=120)  # a bound so a failing test cannot hang
            finally:
                self.done.set()
        return result


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "soptrack.json"
    office = services(path)
    for number in range(RUNS):
        office.new_run("pengukuran-kinerja", f"Run {number + 1}", office.clock().year)
    return path


def stored_order(db: Path) -> list[str]:
    """The overview's runs (this year and every unfinished one) as the store orders them."""
    return [status.run.id for status in fresh(db).statuses()]


def settled(app) -> bool:
    """No page read or refresh is pending or running."""
    return not any(
        worker.group in ("more", "reload", "store") and not worker.is_finished
        for worker in app.workers
    )


def finish(office: Services, run_id: str) -> None:
    """Every step of the run done (approved, for a decision), in order."""
    sop = office.catalog.get(office.repo.get_run(run_id).sop_id)
    for step in sop.steps:
        office.act(run_id, step.number, "start")
        office.act(run_id, step.number, "approve" if step.is_decision else "done")


def next_years_run(db: Path) -> str:
    """A colleague starts next year's run: unfinished and of a newer year, it comes first
    in the overview, ahead of every loaded row."""
    colleague = services(db, user="kolega")
    return colleague.new_run("pengukuran-kinerja", "Tahun depan", colleague.clock().year + 1).id


def check_rows(screen: OverviewScreen, db: Path, kept: list[str]) -> None:
    """The rows are the first runs of the store, each once, in its order (none skipped),
    with every run of `kept` among them; the total is the store's."""
    order = stored_order(db)
    shown = screen.run_ids
    assert len(set(shown)) == len(shown), "a run shown twice"
    assert not set(kept) - set(shown), f"no longer loaded: {sorted(set(kept) - set(shown))}"
    skipped = [run for run in order[: len(shown)] if run not in shown]
    assert shown == order[: len(shown)], f"skipped: {skipped}"
    assert screen.total == len(order)
    assert len(screen.query_one(RunTable).rows) == len(shown)


@async_test
async def test_a_page_read_before_a_refresh_is_dropped(db: Path) -> None:
    """A page read from the store before colleagues' writes, coming back after the
    overview has shown them, is dropped: appended, it would skip the run the writes pushed
    down and show one that left the overview. The cursor stays on its run."""
    last_year = services(db).new_run("pengukuran-kinerja", "Tahun lalu", 2025).id  # unfinished
    app = SoptrackApp(services(db), poll_seconds=3600)  # the test says when to look
    gate = Gate(app.state.page)
    app.state.page = gate  # type: ignore[method-assign]
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, OverviewScreen)
            assert len(screen.run_ids) == PAGE and screen.total == RUNS + 1
            gate.hold(lambda offset: offset > 0)
            await pilot.press(*["j"] * (PAGE - AHEAD))  # near the end: the next page is read
            assert await wait_until(pilot, gate.held.is_set, SECONDS)
            await pilot.press(*["k"] * AHEAD)  # and back up, away from the end
            chosen, before = screen.selected(), list(screen.run_ids)
            assert chosen is not None and len(before) == PAGE

            # as many runs as before, in another order: one ahead of every row, one gone
            first = next_years_run(db)
            finish(services(db, user="kolega"), last_year)
            assert app.state.poll()
            assert await wait_until(pilot, lambda: screen.run_ids[:1] == [first], SECONDS)
            assert screen.selected() == chosen
            gate.release.set()  # the old page comes back now
            assert await wait_until(pilot, lambda: gate.done.is_set() and settled(app), SECONDS)
            await pilot.pause()

            check_rows(screen, db, [chosen])
            assert screen.selected() == chosen and last_year not in screen.run_ids
            await pilot.press("end")  # the rest is read, in the new order
            assert await wait_until(pilot, lambda: len(screen.run_ids) == RUNS + 1, SECONDS)
            assert await wait_until(pilot, lambda: settled(app), SECONDS)
            check_rows(screen, db, before)
    finally:
        gate.release.set()


@async_test
async def test_a_page_shown_during_a_refresh_is_read_again(db: Path) -> None:
    """A refresh reads as many rows as were loaded when it started; when the next page came
    in meanwhile, it reads as many as are loaded now, so the cursor deep in that page stays
    on its run instead of jumping to the top, and no loaded row goes missing."""
    app = app_for(db)
    gate = Gate(app.state.page)
    app.state.page = gate  # type: ignore[method-assign]
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, OverviewScreen) and len(screen.run_ids) == PAGE
            await pilot.press(*["j"] * (PAGE - AHEAD - 1))  # one row before a page is read
            gate.hold(lambda offset: offset == 0)
            colleague = services(db, user="kolega")
            colleague.new_run("pengukuran-kinerja", "Kolega", colleague.clock().year)
            assert await wait_until(pilot, gate.held.is_set, SECONDS)  # the refresh waits

            await pilot.press("j")  # the next page is read and shown
            assert await wait_until(pilot, lambda: len(screen.run_ids) == RUNS + 1, SECONDS)
            await pilot.press(*["j"] * 15)  # deep in the second page
            chosen, before = screen.selected(), list(screen.run_ids)
            assert chosen is not None and before.index(chosen) == PAGE - AHEAD + 15

            gate.release.set()  # the refresh of the first PAGE rows comes back now
            assert await wait_until(pilot, lambda: gate.done.is_set() and settled(app), SECONDS)
            await pilot.pause()
            check_rows(screen, db, before)
            assert screen.selected() == chosen
    finally:
        gate.release.set()


@async_test
async def test_a_refresh_with_two_pages_loaded_keeps_the_cursor_deep_in_the_second(
    db: Path,
) -> None:
    """With more than a page loaded, a colleague's run read in a refresh leaves every
    loaded row loaded and the cursor on its run, even on the last loaded row when the new
    run comes before it."""
    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OverviewScreen)
        await pilot.press("end")
        assert await wait_until(pilot, lambda: len(screen.run_ids) == RUNS, SECONDS)
        await pilot.press("end")  # the last run of the store
        chosen, before = screen.selected(), list(screen.run_ids)
        assert chosen == stored_order(db)[-1]

        colleague = services(db, user="kolega")  # a run of this year: after the cursor
        colleague.new_run("pengukuran-kinerja", "Kolega", colleague.clock().year)
        assert await wait_until(pilot, lambda: screen.total == RUNS + 1, SECONDS)
        assert await wait_until(pilot, lambda: settled(app), SECONDS)
        check_rows(screen, db, before)
        assert screen.selected() == chosen
        await pilot.press("end")  # the last loaded row
        chosen, before = screen.selected(), list(screen.run_ids)
        assert chosen == before[-1]

        next_years_run(db)  # a run before every loaded one, the cursor's included
        assert await wait_until(pilot, lambda: screen.total == RUNS + 2, SECONDS)
        assert await wait_until(pilot, lambda: settled(app), SECONDS)
        await pilot.pause()
        check_rows(screen, db, before)
        assert screen.selected() == chosen


@async_test
async def test_a_run_left_out_of_a_page_is_not_counted_as_shown(db: Path, monkeypatch) -> None:
    """A run the overview cannot show (its SOP unknown here) is left out with its reason;
    the next page starts after it in the store, not one row early, so the run at the end
    of the first page is not shown twice, and the title knows when all is read."""
    order = stored_order(db)
    hidden = order[2]
    sop_of = Services.sop_of

    def unknown_sop(self: Services, run: Run) -> Sop:
        if run.id == hidden:
            raise BadInput(f"run {run.id} memakai SOP yang tidak ada di katalog database")
        return sop_of(self, run)

    monkeypatch.setattr(Services, "sop_of", unknown_sop)
    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OverviewScreen)
        assert len(screen.run_ids) == PAGE - 1 and screen.total == RUNS
        await pilot.press("end")  # near the end: the next page is read
        assert await wait_until(pilot, lambda: len(screen.run_ids) >= RUNS - 1, SECONDS)
        await pilot.press("end")  # at the end, with every run read: nothing more to read
        assert await wait_until(pilot, lambda: settled(app), SECONDS)
        assert screen.run_ids == [run for run in order if run != hidden]
        title = str(screen.query_one("#overview-title").render())
        assert "dimuat" not in title and f"{RUNS} run" in title
