"""Rolling backups beside the database: the last good versions of the file.

Just before a write replaces the file, the old file (which this process has just parsed, so
it is known good) is hard-linked into the backup folder: no bytes are copied, so backups cost
the write path almost nothing. At most one backup per interval, the newest KEEP kept.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from pathlib import Path

from soptrack.store import layout, shared

KEEP = 10
INTERVAL_SECONDS = 600
# db path -> the time of its newest backup this process has seen or made: a write within
# the interval of it needs no listing of the backup folder (~0.1 ms a write). Backups only
# ever get newer, so the memo can only be too old, never wrongly recent.
_NEWEST: dict[str, float] = {}


def backup_dir(db_path: str | os.PathLike[str]) -> Path:
    """One folder for the database and its year files (`DB.2025.json` -> `DB.json.backups`)."""
    path = Path(db_path)
    return layout.main_of(path).with_name(layout.main_of(path).name + ".backups")


def list_backups(db_path: str | os.PathLike[str]) -> list[Path]:
    """Newest first, of this one file (the folder holds the whole set's). Names carry a
    sortable timestamp."""
    directory = backup_dir(db_path)
    if not directory.is_dir():
        return []
    prefix = f"{Path(db_path).stem}-"
    found = (p for p in directory.glob("*.json") if p.name.startswith(prefix))
    return sorted(
        (p for p in found if p.name[len(prefix) : len(prefix) + 1].isdigit()), reverse=True
    )


def latest(db_path: str | os.PathLike[str]) -> Path | None:
    found = list_backups(db_path)
    return found[0] if found else None


def rotate(db_path: str, *, force: bool = False, now: float | None = None) -> Path | None:
    """Keep the file about to be replaced, if the newest backup is older than the interval."""
    now = time.time() if now is None else now
    known = _NEWEST.get(db_path)
    if not force and known is not None and 0 <= now - known < INTERVAL_SECONDS:
        return None
    newest = latest(db_path)
    if not force and newest is not None:
        with contextlib.suppress(OSError):
            made = newest.stat().st_mtime
            _NEWEST[db_path] = made
            if now - made < INTERVAL_SECONDS:
                return None
    directory = backup_dir(db_path)
    try:
        shared.make_dir(directory)
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
        target = directory / f"{Path(db_path).stem}-{stamp}-{int(now * 1000) % 1000:03d}.json"
        try:
            os.link(db_path, target)
            os.utime(target, (now, now))
        except OSError:
            shutil.copy2(db_path, target)
            os.utime(target, (now, now))
    except OSError:
        return None  # a backup must never stop a write
    _NEWEST[db_path] = now
    for old in list_backups(db_path)[KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink()
    return target
