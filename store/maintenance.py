"""`soptrack doctor` and `soptrack restore`: check a database, bring back good backups.

A database is a set of files (store/layout.py): the main file, one file per year and the
index. Both commands cover every file that holds data; the index is derived from the year
files, so it has no backups: restore removes it after putting files back, and the next
reader or writer rebuilds it. Restore never destroys anything: each file it replaces is kept
beside it under a new name.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from soptrack.sop.numbers import ascii_digits
from soptrack.store import backups, layout
from soptrack.store.errors import StoreError
from soptrack.store.schema import META_TABLE, SCHEMA_VERSION, journal_token
from soptrack.store.storage import (
    AtomicJSONStorage,
    dump_json,
    forget,
    journal_of,
    lock_problem,
    remove_stale_temps,
    stale_temps,
    write_problem,
)

# (file of the database, the backup that replaces it)
Plan = list[tuple[Path, Path]]


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


def _size(path: Path) -> str:
    return f"{path.stat().st_size:,}".replace(",", ".")  # 22.132 byte, as Indonesian writes it


def check(path: Path) -> Report:
    """Every file of the database: readable, writable (asked as a write would ask), no
    leftovers of killed writers, and the index in step with the year files."""
    from soptrack.store.repository import YEARS, Repository, file_identity

    report = Report()
    report.lines.append(f"Database: {path}")
    if not path.exists():
        report.lines.append("Belum ada (dibuat pada penulisan pertama).")
    else:
        main = _check_file(report, path, "")
        if main is not None:
            repo = Repository(path)
            try:
                count: int | None = repo.run_count()
                recorded = (repo.index_tables() or {}).get(YEARS, {})
            except StoreError as exc:
                report.ok = False
                report.lines.append(f"RUSAK: {exc}")
                count, recorded = None, {}
            runs = "" if count is None else f"{count} run, "  # not "0 run": uncounted
            report.lines.append(f"OK: skema versi {SCHEMA_VERSION}, {runs}{_size(path)} byte")
            _check_index(report, repo.index_path)
            on_disk = layout.year_files(path)
            listed = {int(y) for y in recorded if ascii_digits(str(y))}
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
                seen = recorded.get(str(year), {}).get("file")
                stale = (
                    ""
                    if seen == file_identity(year_path)
                    else " (indeks diperbarui dari file ini pada penulisan berikut)"
                )
                report.lines.append(
                    f"OK: tahun {year}: {len(data.get('runs', {}))} run, "
                    f"{_size(year_path)} byte{stale}"
                )
    problem = write_problem(str(path))
    if problem:
        report.ok = False
        report.lines.append(f"TIDAK BISA DITULIS oleh pengguna ini: {problem}")
    left = [temp for file in _all_files(path) for temp in stale_temps(str(file))]
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
    _problem(report, backups.folder_problem(path))
    _problem(report, lock_problem(f"{path}.lock"))
    return report


def _problem(report: Report, problem: str | None) -> None:
    """Something that keeps writes from being safe (no backups, no lock): exit 2."""
    if problem:
        report.ok = False
        report.lines.append(f"MASALAH: {problem}")


def _check_file(report: Report, path: Path, what: str) -> dict[str, Any] | None:
    try:
        data = AtomicJSONStorage(str(path)).read() or {}
    except StoreError as exc:
        report.ok = False
        report.lines.append(f"RUSAK: {what}{exc}")
        return None
    if what:  # the main file is asked below, with its folder
        problem = write_problem(str(path))
        if problem:
            report.ok = False
            report.lines.append(f"TIDAK BISA DITULIS oleh pengguna ini: {problem}")
    return data


def _check_index(report: Report, index: Path) -> None:
    """The index is derived: missing or unreadable is a note (rebuilt on the next read),
    but one that this user cannot replace slows every command down, and is named."""
    if not index.exists():
        report.lines.append(f"Indeks {index.name}: belum ada; dibangun dari file tahun")
        return
    if not readable(index):
        report.lines.append(f"Indeks {index.name}: tidak terbaca; dibangun ulang dari file tahun")
        return
    problem = write_problem(str(index))
    if problem:
        report.ok = False
        report.lines.append(f"TIDAK BISA DITULIS oleh pengguna ini: {problem}")
        return
    report.lines.append(f"OK: indeks {index.name}, {_size(index)} byte")


def clean_temps(path: Path) -> int:
    """Called under the database's lock (doctor): temporary files of killed writers."""
    return sum(remove_stale_temps(str(file)) for file in _all_files(path))


# -- restore -----------------------------------------------------------------------------


def plan(path: Path, backup: Path | None = None) -> Plan:
    """What a restore would do: the backup `backup` for the file it was taken of; else the
    newest good backup of every file of the database that cannot be read (of the main file
    when all can)."""
    if backup is not None:
        targets = [(_target_of(path, backup), [backup])]
    else:
        broken = [p for p in _files(path) if p.exists() and not readable(p)]
        targets = [(p, backups.list_backups(p)) for p in broken or [path]]
    chosen_plan: Plan = []
    for target, candidates in targets:
        chosen = next((b for b in candidates if b is not None and readable(b)), None)
        if chosen is None:
            where = backup or backups.backup_dir(target)
            raise StoreError(
                f"tidak ada cadangan {target.name} yang terbaca di {where}; tidak ada yang diubah"
            )
        chosen_plan.append((target, chosen))
    return chosen_plan


def compare(target: Path, backup: Path, now: float | None = None) -> list[str]:
    """What restoring `backup` over `target` brings back and what it loses, in words."""
    now = time.time() if now is None else now
    age_minutes = max(0, int((now - backup.stat().st_mtime) // 60))
    age = (
        f"{age_minutes // 60} jam {age_minutes % 60} menit"
        if age_minutes >= 60
        else f"{age_minutes} menit"
    )
    stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(backup.stat().st_mtime))
    if layout.year_of(target) is None:  # the main file: no runs in it
        lines = [
            f"Cadangan {backup.name}: dibuat {stamp} ({age} yang lalu), file utama (profil "
            "kantor, register surat, katalog SOP); run tidak berubah"
        ]
        if not readable(target):
            lines.append(f"{target.name} sekarang tidak terbaca: semua isi cadangan dipulihkan.")
        else:
            lines.append("HILANG: perubahan profil, surat dan katalog SOP setelah cadangan")
        return lines
    old = _history_lengths(backup)
    current = _history_lengths(target) if readable(target) else None
    lines = [f"Cadangan {backup.name}: dibuat {stamp} ({age} yang lalu), {len(old)} run"]
    if current is None:
        lines.append(f"{target.name} sekarang tidak terbaca: semua isi cadangan dipulihkan.")
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
    """Run id -> transitions, from a year file's runs."""
    data = AtomicJSONStorage(str(path)).read_afresh() or {}
    runs = data.get("runs") or {}
    return {str(doc.get("id", key)): len(doc.get("history", [])) for key, doc in runs.items()}


def apply(chosen_plan: Plan) -> list[tuple[Path, Path | None]]:
    """Put each backup in place; returns (restored from, replaced file kept as) per file.
    Then the index goes: it was built from the files as they were (a backup of the main
    file from before schema 4 even brings an index of its own, moved out on the next read)."""
    done = [(chosen, _put_back(target, chosen)) for target, chosen in chosen_plan]
    for main in {layout.main_of(target) for target, _ in chosen_plan}:
        index = layout.index_path(main)
        for derived in (index, Path(journal_of(str(index)))):
            with contextlib.suppress(FileNotFoundError):
                derived.unlink()
        forget(str(index))
    return done


def restore(path: Path, backup: Path | None = None) -> list[tuple[Path, Path | None]]:
    return apply(plan(path, backup))


def _files(path: Path) -> list[Path]:
    """The main file and every year file, on disk or listed by a readable index (the files
    that hold data and have backups)."""
    from soptrack.store.repository import YEARS, Repository

    years = set(layout.year_files(path))
    with contextlib.suppress(StoreError):
        listed = (Repository(path).index_tables() or {}).get(YEARS, {})
        years |= {int(y) for y in listed if ascii_digits(str(y))}
    return [path, *(layout.year_path(path, y) for y in sorted(years))]


def _all_files(path: Path) -> list[Path]:
    return [*_files(path), layout.index_path(path)]


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
    tmp = path.with_name(f".{path.name}.restore.tmp")  # a killed restore's: cleaned as any
    _restored_copy(chosen, tmp)
    kept: Path | None = None
    live = Path(journal_of(str(path)))
    try:
        if path.is_dir():
            kept = _aside(path)
            os.replace(path, kept)
        elif path.exists():
            kept = _aside(path)
            _keep_copy(path, kept)  # keep the broken file: never destroy what we replace
        if live.exists():  # and the journal it was read with
            beside = kept or _aside(path)
            _keep_copy(live, beside.with_name(beside.name + ".journal"))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    # the journal of the file replaced names another version: ignored from the moment the
    # restored file is in place, and removed now
    with contextlib.suppress(FileNotFoundError):
        live.unlink()
    forget(str(path))
    return kept


def _restored_copy(chosen: Path, tmp: Path) -> None:
    """The backup as one whole file: read with the journal kept beside it, under a token of
    its own (a journal begun on an earlier restore of this backup never continues it). A
    backup of a file that takes no journal (the main file, an older soptrack's) is copied
    as it is."""
    data = AtomicJSONStorage(str(chosen)).read_afresh()
    if data is None or journal_token(data) is None:
        shutil.copy2(chosen, tmp)
        return
    data[META_TABLE]["1"]["journal"] = os.urandom(8).hex()
    tmp.write_bytes(dump_json(data, str(tmp)))
    shutil.copystat(chosen, tmp)


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
