"""The app's last word on what reaches the terminal: every line drawn is made printable.

Textual draws a widget's text as it is given; it drops BEL and CR, but an ESC, a C1 control
or a bidi override in a run title hand-edited into the year file, an SOP name, a note or a
database path would go to the terminal as written: recolour the screen, retitle the window,
or swallow the frame after an unterminated OSC. Cleaning each place that shows data would
miss the next one; a line filter sees every strip of every widget (tables, toasts, the
palette) before Textual adds its own escape sequences, and the removed characters take no
cells, so layout is unchanged.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

from soptrack.sop.text import printable


class PrintableFilter(LineFilter):
    """Segments' text cleaned as the command line cleans what it prints (sop.text)."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        cleaned = segments
        for index, segment in enumerate(segments):
            if segment.control:
                continue
            shown = printable(segment.text)
            if shown != segment.text:
                if cleaned is segments:
                    cleaned = list(segments)
                cleaned[index] = Segment(shown, segment.style, segment.control)
        return cleaned


PRINTABLE = PrintableFilter()  # one instance: Textual caches filtered strips per filter
