"""One SOP step of a run, as a focusable card on the board.

The card's text depends on its width (the Kegiatan is wrapped to two lines at most), so the
text is made for the width being laid out or drawn, never stored: the height Textual lays
out and the lines drawn come from the same width, whatever order resizes (of the terminal,
of a lane's scrollbar) arrive in. Storing text wrapped for an earlier width left an extra
blank row in cards after a resize.
"""

from __future__ import annotations

import textwrap
from typing import Any

from rich.text import Text
from textual.geometry import Size
from textual.visual import visualize
from textual.widgets import Static

from soptrack.services.labels import CURRENT, DECISION, LATE, STATE_TEXT, minutes
from soptrack.sop.run import StepState
from soptrack.sop.status import StepStatus

_STATE_CLASS = {state: f"-{state.value}" for state in StepState}


class StepCard(Static, can_focus=True):
    """Shows a StepStatus; the board moves focus between cards and owns the keys."""

    def __init__(self, status: StepStatus, lane: str) -> None:
        self.matched: bool | None = None
        # The state classes from the start: styled once when mounted, not again in show().
        super().__init__(id=f"step-{status.number}", classes=" ".join(self._state_classes(status)))
        self.number = status.number
        self.lane = lane
        self.status = status
        self._shown: tuple | None = None
        self._texts: dict[int, Text] = {}  # width -> text, for the status shown

    def on_mount(self) -> None:
        self.show(self.status)

    def render(self) -> Text:
        return self._text(self.content_size.width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # as Widget.get_content_height measures a Static, for the text made for this width
        styles: Any = self.styles
        return visualize(self, self._text(width)).get_height(styles, width)

    @staticmethod
    def _label(label: str, width: int) -> str:
        """The short Kegiatan in at most two lines; the detail screen has the full text."""
        width = width or 15
        lines = textwrap.wrap(label, width) or [""]
        if len(lines) > 2:
            second = " ".join(lines[1:])
            lines = [lines[0], second[: width - 1].rstrip() + "…"]
        return "\n".join(lines)

    def haystack(self) -> str:
        s = self.status
        return " ".join(
            [str(s.number), s.label, s.kegiatan, s.user, s.role, STATE_TEXT[s.state]]
            + ([DECISION, "keputusan"] if s.decision else [])
            + ([LATE] if s.late else [])
        ).lower()

    def set_match(self, matched: bool | None) -> None:
        """None: no search; True/False: the card does or does not match the search."""
        if matched != self.matched:
            self.matched = matched
            self.show(self.status)

    def _state_classes(self, status: StepStatus) -> list[str]:
        classes = ["card", _STATE_CLASS[status.state]]
        classes += [
            name
            for flag, name in [
                (status.current, "-current"),
                (status.late, "-late"),
                (status.decision, "-decision"),
                (self.matched is True, "-match"),
                (self.matched is False, "-dim"),
            ]
            if flag
        ]
        return classes

    def show(self, status: StepStatus) -> None:
        key = (status, self.matched)
        if key == self._shown:
            return
        self._shown = key
        self.status = status
        self._texts = {}
        classes = self._state_classes(status)
        if set(classes) != set(self.classes):
            self.set_classes(classes)

        mark = "» " if self.matched else ""
        self.border_title = f"{mark}{status.number}" + (f" {DECISION}" if status.decision else "")
        self.border_subtitle = CURRENT if status.current else ""
        self.refresh(layout=True)

    def _text(self, width: int) -> Text:
        text = self._texts.get(width)
        if text is None:
            text = self._texts[width] = self._make_text(self.status, width)
        return text

    @classmethod
    def _make_text(cls, status: StepStatus, width: int) -> Text:
        text = Text()
        text.append(cls._label(status.label, width), style="bold" if status.current else "")
        text.append("\n")
        text.append(STATE_TEXT[status.state], style="bold")
        if status.late:
            text.append("\n")
            text.append(f"! {LATE}", style="bold reverse")
        text.append("\n")
        standard = minutes(status.standard_minutes)
        if status.worked_minutes is None:
            text.append(f"baku {standard}")
        else:
            text.append(f"{minutes(status.worked_minutes)} / {standard}")
        extra = []
        if status.user:
            extra.append(status.user)
        if status.notes:
            extra.append(f"✎{status.notes}")
        if status.revisions:
            extra.append(f"rev {status.revisions}")
        if extra:
            text.append("\n" + " ".join(extra), style="italic")
        return text
