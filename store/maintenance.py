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

from soptrack.store import backups, layout
from soptrack.store.errors import StoreError
from soptrack.store.schema import SCHEMA_VERSION
from soptrack.store.storage import AtomicJSONStorage, forget


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
    """Every file of the database: readable, writable, and the index in step with the years."""
    from soptrack.store.repository import YEARS, Repository, file_identity

    report = Report()
    report.lines.append(f"Database: {path}")
    if not path.exists():
        report.lines.append("Belum ada (dibuat pada penulisan pertama).")
    else:
        main = _check_file(report, path, "")
        if main is not None:
            try:
                count = Repository(path).run_count()
            except StoreError as exc:
                report.ok = False
                report.lines.append(f"RUSAK: {exc}")
                count = 0
            report.lines.append(
                f"OK: skema versi {SCHEMA_VERSION}, {count} run, {path.stat().st_size:,} byte"
            )
            on_disk = layout.year_files(path)
            listed = {int(y) for y in main.get(YEARS, {})}
            for year in sorted(listed | set(on_disk)):
                year_path = layout.year_path(path, year)
                if not year_path.exists():
                    report.ok = False
                    report.lines.append(
                        f"HILANG: file tahun {year} ({year_path}); pulihkan: soptrack restore"
                    )
                    continue
                data = _check_file(report, year_path, f"tahun {year}: ")
                if data is None:
                    continue
                seen = main.get(YEARS, {}).get(str(year), {}).get("file")
                stale = (
                    ""
                    if seen == file_identity(year_path)
                    else (" (indeks diperbarui dari file ini pada penulisan berikut)")
                )
                report.lines.append(
                    f"OK: tahun {year}: {len(data.get('runs', {}))} run, "
                    f"{year_path.stat().st_size:,} byte{stale}"
                )
    found = backups.list_backups(path)
    good = [b for b in found if readable(b)]
    report.lines.append(
        f"Cadangan: {len(found)} di {backups.backup_dir(path)}"
        + (f", terbaru yang baik: {good[0].name}" if good else "")
    )
    return report


def _check_file(report: Report, path: Path, what: str) -> dict | None:
    try:
        data = AtomicJSONStorage(str(path)).read() or {}
    except StoreError as exc:
        report.ok = False
        report.lines.append(f"RUSAK: {what}{exc}")
        return None
    finally:
        if not os.access(path, os.W_OK) and path.exists():
            report.ok = False
            report.lines.append(f"TIDAK BISA DITULIS oleh pengguna ini: {path}")
    return data


def restore(path: Path, backup: Path | None = None) -> list[tuple[Path, Path | None]]:
    """Put good backups in place: of the file `backup` belongs to; else of every file of
    the database that cannot be read (the main file when all can). Each replaced file is
    kept as `.rusak-<time>`. Returns (restored from, replaced file kept as) per file."""
    if backup is not None:
        targets = [(_target_of(path, backup), [backup])]
    else:
        broken = [p for p in _files(path) if not readable(p)]
        targets = [(p, backups.list_backups(p)) for p in broken or [path]]
    plan = []
    for target, candidates in targets:
        chosen = next((b for b in candidates if b is not None and readable(b)), None)
        if chosen is None:
            where = backup or backups.backup_dir(target)
            raise StoreError(
                f"tidak ada cadangan {target.name} yang terbaca di {where}; tidak ada yang diubah"
            )
        plan.append((target, chosen))
    return [(chosen, _put_back(target, chosen)) for target, chosen in plan]


def _files(path: Path) -> list[Path]:
    """The main file and every year file, on disk or listed by a readable main file."""
    years = set(layout.year_files(path))
    with contextlib.suppress(StoreError):
        listed = (AtomicJSONStorage(str(path)).read() or {}).get("years", {})
        years |= {int(y) for y in listed if str(y).isdigit()}
    return [path, *(layout.year_path(path, y) for y in sorted(years))]


def _target_of(path: Path, backup: Path) -> Path:
    """The file of the database a backup was taken of (named `<file stem>-<time>.json`);
    a backup of no file of this database replaces the main file."""
    stem = backup.name.rsplit("-", 3)[0] if backup.name.count("-") >= 3 else ""
    year = layout.year_of(Path(f"{stem}.json"))
    if year is not None and stem == f"{path.stem}.{year:04d}":
        return layout.year_path(path, year)
    return path


def _put_back(path: Path, chosen: Path) -> Path | None:
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
            os.link(path, kept)  # keep the broken file: never destroy what we replace
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    forget(str(path))
    return kept


def _aside(path: Path) -> Path:
    """A name beside `path` that is not taken: two restores in one second keep both files."""
    base = f"{path.name}.rusak-{time.strftime('%Y%m%d-%H%M%S')}"
    candidate = path.with_name(base)
    number = 1
    while os.path.lexists(candidate):
        number += 1
        candidate = path.with_name(f"{base}-{number}")
    return candidate
