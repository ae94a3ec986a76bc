"""One SOP step as the board draws it: a bordered card inside its lane.

Cards are not widgets: a lane draws all of its cards (see lane.py), so a board of 13 steps
is a dozen widgets instead of fifty. A card keeps what the lane needs to draw it and the
board needs to move over it; its colours and border shape come from the stylesheet, by the
name `look()` gives (see palette.py).

The text depends on the width (the Kegiatan is wrapped to two lines at most), so it is made
for the width being drawn and cached per width, never stored for one width only.
"""

from __future__ import annotations

import textwrap

from rich.style import Style

from soptrack.services.labels import CURRENT, DECISION, LATE, STATE_TEXT, minutes
from soptrack.sop.run import StepState
from soptrack.sop.status import StepStatus

BOLD = Style(bold=True)
BOLD_REVERSE = Style(bold=True, reverse=True)
ITALIC = Style(italic=True)

# One line of a card's text: its words and the style they have over the card's (None: none).
Line = tuple[str, Style | None]


class Card:
    """A step on the board: its status, its lane and whether the search matches it."""

    def __init__(self, status: StepStatus, lane: str) -> None:
        self.number = status.number
        self.lane = lane
        self.status = status
        # None: no search; True/False: the card does or does not match the search.
        self.matched: bool | None = None
        self._texts: dict[int, list[Line]] = {}

    def show(self, status: StepStatus) -> bool:
        """Take a new status; False when nothing the card draws changed."""
        if status == self.status:
            return False
        self.status = status
        self._texts = {}
        return True

    def set_match(self, matched: bool | None) -> bool:
        if matched == self.matched:
            return False
        self.matched = matched
        return True

    # -- what it looks like -------------------------------------------------------------------

    def look(self, cursor: bool = False) -> str:
        """The one name the stylesheet colours the card by: the cursor wins over the
        current step, which wins over the step's state."""
        s = self.status
        if cursor:
            return "cursor"
        if s.current:
            return "current-returned" if s.state is StepState.DIKEMBALIKAN else "current"
        return s.state.value

    @property
    def title(self) -> str:
        mark = "» " if self.matched else ""
        return f"{mark}{self.number}" + (f" {DECISION}" if self.status.decision else "")

    @property
    def subtitle(self) -> str:
        return CURRENT if self.status.current else ""

    def haystack(self) -> str:
        s = self.status
        return " ".join(
            [str(s.number), s.label, s.kegiatan, s.user, s.role, STATE_TEXT[s.state]]
            + ([DECISION, "keputusan"] if s.decision else [])
            + ([LATE] if s.late else [])
        ).lower()

    def lines(self, width: int) -> list[Line]:
        """The card's text lines for a text area `width` cells wide (inside border and
        padding)."""
        lines = self._texts.get(width)
        if lines is None:
            lines = self._texts[width] = card_text(self.status, width)
        return lines


def label_lines(label: str, width: int) -> list[str]:
    """The short Kegiatan in at most two lines; the detail screen has the full text."""
    width = width or 15
    lines = textwrap.wrap(label, width) or [""]
    if len(lines) > 2:
        second = " ".join(lines[1:])
        lines = [lines[0], second[: width - 1].rstrip() + "…"]
    return lines


def card_text(status: StepStatus, width: int) -> list[Line]:
    """The lines as words and styles, not rich Text: the lane draws them as segments
    directly (a Console render per line was most of the cost of drawing a board)."""
    label = BOLD if status.current else None
    lines: list[Line] = [(row, label) for row in label_lines(status.label, width)]
    lines.append((STATE_TEXT[status.state], BOLD))
    if status.late:
        lines.append((f"! {LATE}", BOLD_REVERSE))
    standard = minutes(status.standard_minutes)
    if status.worked_minutes is None:
        lines.append((f"baku {standard}", None))
    else:
        lines.append((f"{minutes(status.worked_minutes)} / {standard}", None))
    extra = []
    if status.user:
        extra.append(status.user)
    if status.notes:
        extra.append(f"✎{status.notes}")
    if status.revisions:
        extra.append(f"rev {status.revisions}")
    if extra:
        lines.append((" ".join(extra), ITALIC))
    return lines
