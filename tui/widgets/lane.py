"""One Pelaksana lane of the board: a title and its cards, scrolling on their own."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from soptrack.sop.model import Lane
from soptrack.tui.widgets.card import StepCard


class LaneBody(VerticalScroll, inherit_bindings=False, can_focus=False):
    """Scrolls to the focused card; the board, not this container, owns the arrow keys."""


class LaneColumn(Vertical):
    def __init__(self, lane: Lane, cards: list[StepCard], also: list[int]) -> None:
        super().__init__(id=f"lane-{lane.id}", classes="lane" if cards else "lane -empty")
        self.lane = lane
        self.cards = cards
        self.also = also

    def compose(self) -> ComposeResult:
        yield Static(f"{self.lane.name} ({len(self.cards)})", classes="lane-title")
        with LaneBody(classes="lane-body"):
            yield from self.cards
            if not self.cards:
                yield Static("kosong", classes="lane-empty")
            if self.also:
                numbers = ", ".join(str(n) for n in self.also)
                yield Static(f"ikut: {numbers}", classes="lane-also")
