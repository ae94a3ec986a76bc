"""The step cards as their lanes draw them: no blank row whatever the width and however the
terminal is resized, and the cursor shows on every card whatever its state (issue 12)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_fixtures import app_for, async_test, make_run

from soptrack.tui.screens.board import BoardScreen
from soptrack.tui.widgets.lane import LaneColumn


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "kantor.json"


def lane_of(board: BoardScreen, number: int) -> LaneColumn:
    card = board.cards[number]
    return next(lane for lane in board.lanes if card in lane.cards)


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
            for number in board.cards:
                lane = lane_of(board, number)
                lines = lane.card_lines(number)
                # the lane's width, border to border, and no blank row inside the border
                assert all(len(line) == lane.scrollable_content_region.width for line in lines)
                inside = [line[1:-1].strip() for line in lines[1:-1]]
                assert all(inside), f"{size}: card {number} has a blank row: {lines}"
                assert lines[0][0] in "╭╔┏" and lines[-1][0] in "╰╚┗"


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
        assert board.card is card and card.look() == "current-returned"
        assert app.focused is lane_of(board, 8)
        # the cursor's heavy border, as on every other card (with NO_COLOR the shape is all
        # that tells it apart)
        assert lane_of(board, 8).card_lines(8)[0][0] == "┏"
        board.put_cursor(board.cards[7])
        await pilot.pause()
        assert lane_of(board, 8).card_lines(8)[0][0] == "╔"  # current: double
        assert lane_of(board, 7).card_lines(7)[0][0] == "┏"


@async_test
async def test_a_click_puts_the_cursor_on_the_card(db: Path) -> None:
    run_id = make_run(db, done=[1], start=2)
    app = app_for(db, run_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        board = app.screen
        lane = lane_of(board, 1)
        region = lane.card_region(1)
        assert region is not None and board.card is not board.cards[1]
        await pilot.click(offset=(region.x + 2, region.y + 1))
        await pilot.pause()
        assert board.card is board.cards[1] and app.focused is lane


@async_test
async def test_a_theme_change_recolours_the_cards(db: Path) -> None:
    run_id = make_run(db, done=[1], start=2)
    app = app_for(db, run_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        board = app.screen
        lane = lane_of(board, 2)

        def colours() -> set[str]:
            return {
                str(segment.style.color)
                for strip in lane._draw()[1]
                for segment in strip
                if segment.style and segment.style.color
            }

        before = colours()
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await pilot.pause()
        await pilot.pause()
        assert colours() and colours() != before
        assert board.card is board.cards[2]  # the cursor stays


@async_test
async def test_the_cursor_card_stays_in_view_through_resizes(db: Path) -> None:
    run_id = make_run(db, done=range(1, 12), start=12)
    app = app_for(db, run_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        board = app.screen
        assert board.card is board.cards[12]
        for size in [(160, 48), (80, 24), (120, 30), (80, 24)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.pause()
            assert lane_of(board, 12).card_region(12) is not None, size


@pytest.mark.parametrize(
    "text", ["Rapat pembahasan", "中文字符测试标签", "a中b中c中d", "✓ SELESAI", ""]
)
def test_a_card_line_is_cut_and_filled_as_rich_would(text: str) -> None:
    """The lanes draw card lines as segments, without rich's Text: the same cells (wide
    characters too), the same "…", the same styles."""
    from rich.cells import cell_len
    from rich.console import Console
    from rich.segment import Segment
    from rich.style import Style
    from rich.text import Text

    from soptrack.tui.widgets.lane import _fit

    base, bold = Style(color="red", bgcolor="black"), Style(bold=True)
    console = Console()
    for style in (None, bold):
        for width in range(1, 24):
            drawn = _fit(text, width, base, style)
            assert sum(cell_len(segment.text) for segment in drawn) == width
            expected = Text()
            expected.append(text, style=style or "")  # as the card's text had it, a span
            expected.truncate(width, overflow="ellipsis", pad=True)
            rich = list(Segment.apply_style(expected.render(console), base))
            assert [(s.text, s.style) for s in drawn] == [(s.text, s.style) for s in rich]
