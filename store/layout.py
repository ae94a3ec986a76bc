"""The files of one database: a small main file and one file per year of runs.

`kantor.json` holds the office profile, the letter register, the schema version and an index
of every run (what list views show); `kantor.2026.json` holds the runs of 2026 with their
whole history. A transition rewrites its year's file and the main file, never the archive.
All files share one lock (`kantor.json.lock`) and one backup folder (`kantor.json.backups`).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

_YEAR = re.compile(r"^(?P<stem>.+)\.(?P<year>\d{4})\.json$")


def year_path(main: Path, year: int) -> Path:
    return main.with_name(f"{main.stem}.{year:04d}.json")


def year_files(main: Path) -> dict[int, Path]:
    """The year files on disk beside `main`, whether or not the main file lists them."""
    prefix = f"{main.stem}."
    found: dict[int, Path] = {}
    try:
        with os.scandir(main.parent) as entries:
            for entry in entries:
                name = entry.name
                if not name.startswith(prefix) or not name.endswith(".json"):
                    continue
                middle = name[len(prefix) : -len(".json")]
                if len(middle) == 4 and middle.isdigit():
                    found[int(middle)] = main.with_name(name)
    except OSError:
        return {}
    return dict(sorted(found.items()))


def main_of(path: Path) -> Path:
    """The main file a year file belongs to (a main file is its own)."""
    match = _YEAR.match(path.name)
    return path.with_name(f"{match['stem']}.json") if match else path


def year_of(path: Path) -> int | None:
    match = _YEAR.match(path.name)
    return int(match["year"]) if match else None
