"""The step cards: their height follows their width through resizes, and the cursor shows
on every card whatever its state (issue 12)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_fixtures import app_for, async_test, make_run

from soptrack.tui.screens.board import BoardScreen


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "kantor.json"


def _rows(card) -> tuple[int, int]:
    """(rows the card's content is laid out in, lines of text it draws)."""
    return card.size.height, str(card.render()).count("\n") + 1


@async_test
async def test_cards_have_no_blank_row_at_start_or_after_a_resize(db: Path) -> None:
    run_id = make_run(db, "monitoring-renstra", title="Monitoring RENSTRA 2026", done=[1], start=2)
    app = app_for(db, run_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        kasubag = [c for c in board.cards.values() if c.lane == "kasubag-perencanaan"]
        assert kasubag  # the lane where the blank row showed at start
        for size in [(80, 24), (120, 40), (80, 24)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.pause()
            for number, card in board.cards.items():
                height, lines = _rows(card)
                assert height == lines, f"{size}: card {number} has {height - lines} blank row(s)"


@async_test
async def test_the_cursor_shows_on_a_returned_step(db: Path) -> None:
    run_id = make_run(db, done=range(1, 9), start=9)
    app = app_for(db, run_id)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        board = app.screen
        assert await board.do_step(9, "return", "Target belum sesuai")
        await pilot.pause()
        card = board.cards[8]
        assert board.focused is card and card.has_class("-dikembalikan", "-current")
        # the cursor's heavy border, as on every other card (with NO_COLOR the shape is all
        # that tells it apart)
        assert card.styles.border.top[0] == "heavy"
        board.put_cursor(board.cards[7])
        await pilot.pause()
        assert card.styles.border.top[0] == "double"
        assert board.cards[7].styles.border.top[0] == "heavy"
