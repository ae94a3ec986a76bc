"""The files of one database: a small main file, one file per year of runs, and an index.

`kantor.json` holds the office profile, the letter register, the SOP catalog and the schema
version; `kantor.2026.json` holds the runs of 2026 with their whole history;
`kantor.index.json` holds what list views show of every run and the identity of each year
file it was built from. The index is derived data: a transition rewrites its year's file
durably, then the index without waiting for the disk; the main file only changes with the
office's own data (admin commands, a new SOP version), never the archive.
All files share one lock (`kantor.json.lock`) and one backup folder (`kantor.json.backups`),
which holds no copy of the index (it is rebuilt from the year files whenever it is lost).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from soptrack.sop.numbers import ascii_digits

# a file's journal (storage.py): `kantor.2026.json` -> `kantor.2026.journal.json`
JOURNAL_END = ".journal.json"
_YEAR = re.compile(r"^(?P<stem>.+)\.(?P<year>\d{4})\.json$")


def year_path(main: Path, year: int) -> Path:
    return main.with_name(year_name(main.stem, year))


def year_name(stem: str, year: int) -> str:
    return f"{stem}.{year:04d}.json"


def index_path(main: Path) -> Path:
    return main.with_name(index_name(main.stem))


def index_name(stem: str) -> str:
    """Named like a year file, with `index` for the year: year_files() never lists it."""
    return f"{stem}.index.json"


def year_files(main: Path) -> dict[int, Path]:
    """The year files on disk beside `main`, whether or not the main file lists them."""
    return {year: main.with_name(entry.name) for year, entry in _entries(main)[0]}


def year_identities(main: Path) -> dict[int, list[int] | None]:
    """Each year file on disk beside `main` and its identity (see identity()), read in one
    pass over the folder: every read and write checks the index against them."""
    return Scan(main).years


class Scan:
    """One pass over the database's folder: the year files (each one's identity read
    when first asked for: a step's writer needs only its own year's) and the set's hidden
    files (`.<stem>.*`: temporary files)."""

    def __init__(self, main: Path) -> None:
        entries, self.hidden, journals = _entries(main)
        self._entries = dict(entries)
        self._journals = journals
        self._identities: dict[int, list[int] | None] = {}

    @property
    def years(self) -> dict[int, list[int] | None]:
        """Year -> identity (None: the file cannot be stat'ed), oldest first."""
        return {year: self.identity(year) for year in self._entries}

    def identity(self, year: int) -> list[int] | None:
        """None too for a year without a file."""
        if year not in self._identities:
            entry = self._entries.get(year)
            journal = self._journals.get(year)
            try:
                found = None if entry is None else identity(entry.stat())
                if found is not None and journal is not None:
                    found += identity(journal.stat())
                self._identities[year] = found
            except OSError:
                self._identities[year] = None
        return self._identities[year]

    def __iter__(self) -> Iterator[int]:
        return iter(self._entries)


def _entries(
    main: Path,
) -> tuple[list[tuple[int, os.DirEntry[str]]], list[str], dict[int, os.DirEntry[str]]]:
    """(year, folder entry) of each `<stem>.<YYYY>.json` beside `main`, oldest first; the
    names of the hidden files `.<stem>.*` beside it; and the year files' journals."""
    prefix = f"{main.stem}."
    hidden_prefix = f".{prefix}"
    found = []
    hidden = []
    journals = {}
    try:
        with os.scandir(main.parent) as entries:
            for entry in entries:
                name = entry.name
                if name.startswith(hidden_prefix):
                    hidden.append(name)
                    continue
                if not name.startswith(prefix) or not name.endswith(".json"):
                    continue
                journal = name.endswith(JOURNAL_END)
                middle = name[len(prefix) : -len(JOURNAL_END if journal else ".json")]
                # ascii: str.isdigit takes a planted name's superscripts, int() does not
                if len(middle) == 4 and ascii_digits(middle):
                    if journal:
                        journals[int(middle)] = entry
                    else:
                        found.append((int(middle), entry))
    except OSError:
        return [], [], {}
    return sorted(found, key=lambda pair: pair[0]), hidden, journals


def identity(st: os.stat_result) -> list[int]:
    """What the index remembers of a year file. Every write is a new file (a new inode,
    created while the old one still exists) whose mtime is later, to the nanosecond, than
    that of every earlier version (storage._advance_mtime): an index written for an earlier
    version never matches, even if the inode number is reused later. Not ctime: a backup's
    hard link changes it without changing the file."""
    return [st.st_ino, st.st_size, st.st_mtime_ns]


def journal_of(path: str) -> str:
    """The journal of a file of the database, named like them (a copy of `kantor*.json`
    takes it too); never taken for a year file."""
    return (path[: -len(".json")] if path.endswith(".json") else path) + JOURNAL_END


def journal_identity(path: Path) -> list[int]:
    """identity() of the file's journal ([] without one): a step that goes to the journal
    leaves its file as it was, and the index must still see that the year changed."""
    try:
        return identity(os.stat(journal_of(str(path))))
    except OSError:
        return []


def main_of(path: Path) -> Path:
    """The main file a year file belongs to (a main file is its own)."""
    match = _YEAR.match(path.name)
    return path.with_name(f"{match['stem']}.json") if match else path


def year_of(path: Path) -> int | None:
    match = _YEAR.match(path.name)
    return int(match["year"]) if match else None
