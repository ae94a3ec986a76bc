"""`soptrack doctor` and `soptrack restore`: check a database, bring back a good backup.

Restore never destroys anything: the file it replaces is kept beside it under a new name.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from soptrack.store import backups
from soptrack.store.errors import StoreError
from soptrack.store.schema import SCHEMA_VERSION
from soptrack.store.storage import (
    AtomicJSONStorage,
    forget,
    remove_stale_temps,
    stale_temps,
    write_problem,
)


@dataclass
class Report:
    ok: bool = True
    lines: list[str] = field(default_factory=list)


def readable(path: Path) -> bool:
    """Whether `path` loads as a soptrack database of a version this soptrack reads."""
    try:
        forget(str(path))
        return AtomicJSONStorage(str(path)).read() is not None
    except StoreError:
        return False
    finally:
        forget(str(path))


def check(path: Path) -> Report:
    report = Report()
    report.lines.append(f"Database: {path}")
    if not path.exists():
        report.lines.append("Belum ada (dibuat pada penulisan pertama).")
    else:
        try:
            data = AtomicJSONStorage(str(path)).read() or {}
            runs = len(data.get("runs", {}))
            size = f"{path.stat().st_size:,}".replace(",", ".")
            report.lines.append(f"OK: skema versi {SCHEMA_VERSION}, {runs} run, {size} byte")
        except StoreError as exc:
            report.ok = False
            report.lines.append(f"RUSAK: {exc}")
    problem = write_problem(str(path))
    if problem:
        report.ok = False
        report.lines.append(f"TIDAK BISA DITULIS oleh pengguna ini: {problem}")
    left = stale_temps(str(path))
    if left:
        report.ok = False
        report.lines.append(
            f"SISA FILE SEMENTARA: {len(left)} file penulis yang terhenti di {path.parent}; "
            "dihapus pada penulisan berikutnya"
        )
    found = backups.list_backups(path)
    good = [b for b in found if readable(b)]
    report.lines.append(
        f"Cadangan: {len(found)} di {backups.backup_dir(path)}"
        + (f", terbaru yang baik: {good[0].name}" if good else "")
    )
    return report


def clean_temps(path: Path) -> int:
    """Called under the database's lock (doctor): temporary files of killed writers."""
    return remove_stale_temps(str(path))


def choose_backup(path: Path, backup: Path | None = None) -> Path:
    """The backup a restore would use: the one named, else the newest that loads."""
    candidates = [backup] if backup else backups.list_backups(path)
    chosen = next((b for b in candidates if b is not None and readable(b)), None)
    if chosen is None:
        where = backup or backups.backup_dir(path)
        raise StoreError(f"tidak ada cadangan yang terbaca di {where}; tidak ada yang diubah")
    return chosen


def compare(path: Path, backup: Path, now: float | None = None) -> list[str]:
    """What a restore of `backup` brings back and what it loses, run by run, in words."""
    now = time.time() if now is None else now
    age_minutes = max(0, int((now - backup.stat().st_mtime) // 60))
    age = (
        f"{age_minutes // 60} jam {age_minutes % 60} menit"
        if age_minutes >= 60
        else (f"{age_minutes} menit")
    )
    stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(backup.stat().st_mtime))
    old = _history_lengths(backup)
    current = _history_lengths(path) if readable(path) else None
    lines = [f"Cadangan {backup.name}: dibuat {stamp} ({age} yang lalu), {len(old)} run"]
    if current is None:
        lines.append("Database sekarang tidak terbaca: semua isi cadangan dipulihkan.")
        return lines
    lost = []
    for run_id, count in sorted(current.items()):
        before = old.get(run_id)
        if before is None:
            lost.append(f"run {run_id} (dibuat setelah cadangan) hilang")
        elif count > before:
            lost.append(f"run {run_id}: {count - before} transisi terakhir hilang")
    back = [f"run {run_id} kembali" for run_id in sorted(set(old) - set(current))]
    lines += [f"HILANG: {item}" for item in lost] or ["Tidak ada transisi yang hilang."]
    lines += [f"KEMBALI: {item}" for item in back]
    return lines


def _history_lengths(path: Path) -> dict[str, int]:
    forget(str(path))
    try:
        data = AtomicJSONStorage(str(path)).read() or {}
    finally:
        forget(str(path))
    runs = data.get("runs", {})
    return {str(doc.get("id", key)): len(doc.get("history", [])) for key, doc in runs.items()}


def restore(path: Path, backup: Path | None = None) -> tuple[Path, Path | None]:
    """Put a good backup in place; the current file, if any, is kept as `.rusak-<time>`."""
    chosen = choose_backup(path, backup)
    # Copy first, then swap: readers (who take no lock) never find the database missing, and
    # a failed copy leaves everything as it was.
    tmp = path.with_name(f".{path.name}.restore")
    shutil.copy2(chosen, tmp)
    kept: Path | None = None
    try:
        if path.is_dir():
            kept = _aside(path)
            os.replace(path, kept)
        elif path.exists():
            kept = _aside(path)
            _keep_copy(path, kept)  # keep the broken file: never destroy what we replace
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    forget(str(path))
    return chosen, kept


def _keep_copy(path: Path, kept: Path) -> None:
    """A hard link costs nothing; where links are refused (fs.protected_hardlinks for a
    file another user owns, a file system without links) a copy does the same job."""
    try:
        os.link(path, kept)
    except OSError:
        shutil.copy2(path, kept)


def _aside(path: Path) -> Path:
    """A name beside `path` that is not taken: two restores in one second keep both files."""
    base = f"{path.name}.rusak-{time.strftime('%Y%m%d-%H%M%S')}"
    candidate = path.with_name(base)
    number = 1
    while os.path.lexists(candidate):
        number += 1
        candidate = path.with_name(f"{base}-{number}")
    return candidate
