"""From one file to a main file, year files and an index file (schema 2 -> 3 -> 4), done
once, under the lock.

The old file stays the database until the very end: the year files and the index file are
written first, then the main file replaces the old one (which is backed up just before, as
every migrated file is). A crash in between leaves the old file in place and the migration
runs again.
"""

from __future__ import annotations

from typing import Any

from soptrack.store.errors import StoreCorrupt
from soptrack.store.index import entry_of

RUNS = "runs"
INDEX = "index"
YEARS = "years"

Tables = dict[str, Any]


def needs_split(main: Tables) -> bool:
    """A main file that still holds the runs themselves: the single-file layout."""
    return RUNS in main


def holds_index(main: Tables) -> bool:
    """A main file that still holds the run index (schema 3): it moves to the index file."""
    return INDEX in main or YEARS in main


def split(data: Tables, path: str) -> tuple[Tables, dict[int, Tables]]:
    """The main file's tables (with the index) and each year's tables, in memory."""
    runs = data.get(RUNS, {})
    years: dict[int, Tables] = {}
    index: dict[str, Any] = {}
    for doc_id, doc in runs.items():
        try:
            year = int(doc["year"])
        except (KeyError, TypeError, ValueError):
            raise StoreCorrupt(
                f"database {path} rusak: run #{doc_id} tanpa tahun yang sah; tidak diubah. "
                "perbaiki file itu atau pulihkan cadangan: soptrack restore"
            ) from None
        years.setdefault(year, {RUNS: {}})[RUNS][doc_id] = doc
        index[doc_id] = entry_of(doc)
    main = {name: table for name, table in data.items() if name != RUNS}
    main[INDEX] = index
    return main, years
