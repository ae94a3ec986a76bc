"""The run index in the main file: what list views need of each run, without its history.

An index entry is the run document with `history` and `extra` left out and each step record
packed into a short list, about 1 KB a run: `status` at 2,000 runs parses 2 MB, not 50. The
packed steps are kept as one JSON string per entry: a reader parses them only for the runs it
shows (a page), so the index costs one string per run to load, not eighty lists and strings
(2,000 runs: 22 -> 8 ms). An entry whose steps are still a list (written before) reads the same.
Every other top-level field of the run document is copied as it is, so fields this version
does not know (a later schema's) reach the list views unchanged. The index is derived data:
it is rebuilt from a year file whenever that file is not the one the index was written for.
"""

from __future__ import annotations

import json
from typing import Any

from soptrack.sop.numbers import ascii_digits

LEFT_OUT = ("history", "extra", "steps")
# a step record as a list, in this order; trailing defaults are dropped
STEP_FIELDS = ("number", "state", "started_at", "finished_at", "worked_minutes", "late")
STEP_DEFAULTS = (None, "belum", None, None, None, False)


def entry_of(doc: dict[str, Any]) -> dict[str, Any]:
    entry = {key: value for key, value in doc.items() if key not in LEFT_OUT}
    steps = doc.get("steps")
    # a damaged document still gets an entry; reading the run itself names the damage
    if not isinstance(steps, list) or not all(isinstance(r, dict) for r in steps):
        entry["steps"] = None  # reads as damaged, as the document does (never as no steps)
        return entry
    packed = [_pack(r) for r in steps]
    entry["steps"] = json.dumps(packed, ensure_ascii=False, separators=(",", ":"))
    return entry


def run_doc_of(entry: dict[str, Any]) -> dict[str, Any]:
    """A run document a list view can build a Run from (no history, no notes, no extra)."""
    doc = dict(entry)
    steps = entry.get("steps", [])
    if isinstance(steps, str):
        try:
            steps = json.loads(steps)
        except ValueError:
            steps = None  # edited by hand: building the Run names the damage
    whole = isinstance(steps, list) and all(
        isinstance(p, list) and len(p) <= len(STEP_FIELDS) for p in steps
    )
    doc["steps"] = [_unpack(p) for p in steps] if whole else None
    return doc


def _pack(record: dict[str, Any]) -> list[Any]:
    packed = [
        record.get(name, default) for name, default in zip(STEP_FIELDS, STEP_DEFAULTS, strict=True)
    ]
    while len(packed) > 1 and packed[-1] == STEP_DEFAULTS[len(packed) - 1]:
        packed.pop()
    return packed


def _unpack(packed: list[Any]) -> dict[str, Any]:
    values = list(packed) + list(STEP_DEFAULTS[len(packed) :])
    return dict(zip(STEP_FIELDS, values, strict=True))


def year_of(entry: dict[str, Any]) -> int | None:
    """The entry's year; a year made text by hand ("2026") still names its file; None when
    it names none (the entry is damaged: rebuilt by doctor)."""
    year = entry.get("year")
    if isinstance(year, str) and ascii_digits(year):
        return int(year)
    return year if isinstance(year, int) and not isinstance(year, bool) else None


def finished(entry: dict[str, Any]) -> bool:
    return bool(entry.get("finished_at"))
