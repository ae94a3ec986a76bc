"""Words and marks the screens and the command line share, so a state reads the same
everywhere. No Textual import here: the CLI uses it too.

State is always written out (never colour alone): NO_COLOR and 16-colour terminals must
still tell a finished step from a returned one.
"""

from __future__ import annotations

from soptrack.sop.durations import format_minutes
from soptrack.sop.run import StepState

STATE_TEXT: dict[StepState, str] = {
    StepState.BELUM: "○ BELUM",
    StepState.BERJALAN: "▶ BERJALAN",
    StepState.SELESAI: "✓ SELESAI",
    StepState.DIKEMBALIKAN: "↩ DIKEMBALIKAN",
}


DECISION = "◆ keputusan"
LATE = "TERLAMBAT"
CURRENT = "KINI"


def minutes(value: float | None) -> str:
    return "-" if value is None else format_minutes(value)


def bar(done: int, total: int, width: int = 13) -> str:
    filled = round(width * done / total) if total else 0
    return "█" * filled + "░" * (width - filled)
