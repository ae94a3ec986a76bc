"""The board's row of lanes: shares the width between them and scrolls sideways to the
focused card when they do not fit."""

from __future__ import annotations

from collections.abc import Sequence

from textual.containers import HorizontalScroll

from soptrack.tui.widgets.lane import LaneColumn
from soptrack.tui.widgets.palette import EXTRAS, LOOKS, Palette

LANE_MIN = 19
EMPTY_MIN, EMPTY_MAX = 7, 14


class Lanes(HorizontalScroll, inherit_bindings=False, can_focus=False):
    COMPONENT_CLASSES = {f"lanes--{name}" for name in (*LOOKS, *EXTRAS)}

    _palette: Palette | None = None

    @property
    def palette(self) -> Palette:
        """The cards' colours and borders for every lane (see palette.py)."""
        if self._palette is None:
            self._palette = Palette(self, "lanes")
        return self._palette

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._palette = None  # a theme change: read the stylesheet again
        for lane in self.query_children(LaneColumn):
            lane.repaint()

    def share_width(self, lanes: Sequence[LaneColumn], width: int) -> None:
        """Lanes with cards get at least LANE_MIN columns, empty lanes what is left
        (EMPTY_MIN to EMPTY_MAX); past that the lanes scroll sideways. Called before the
        lanes are mounted too, so the first frame is laid out once."""
        shown = [lane for lane in lanes if lane.display]
        full = [lane for lane in shown if lane.cards] or shown
        empty = [lane for lane in shown if lane not in full]
        width = width or 80
        spare = width - LANE_MIN * len(full)
        empty_width = max(EMPTY_MIN, min(EMPTY_MAX, spare // len(empty))) if empty else 0
        left = width - empty_width * len(empty)
        lane_width = max(LANE_MIN, left // max(1, len(full)))
        extra = max(0, left - lane_width * len(full))
        for index, lane in enumerate(full):
            lane.styles.width = lane_width + (1 if index < extra else 0)
        for lane in empty:
            lane.styles.width = empty_width
