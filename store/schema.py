"""The database's schema version and the migrations between versions.

Every written file carries `meta` with the schema version. A file from an older soptrack is
migrated in memory on read (and backed up before the first write); a file from a newer one is
refused, because writing it back would drop what this version does not know.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from soptrack.store.errors import StoreTooNew

# 1: soptrack 0.1/0.2, every run in one file.
# 2: the SOP catalog table `sops`, runs' `sop_version`, hash-chained history (issue 11).
# 3: runs in one file per year beside a main file with an index of them (issue 14). That
#    split touches several files, so the repository does it (store/migrate.py) when it
#    finds a main file that still has a `runs` table; as a table-level step it changes
#    nothing.
# 4: the run index and the year files' identities move from the main file to an index file
#    of their own (kantor.index.json), written without fsync: a transition durably writes
#    one file, its year's. Also done by the repository (a main file that still holds the
#    `index` table); as a table-level step it changes nothing.
# 5: the year files and the index may have a journal beside them (`kantor.2026.journal.json`,
#    storage.py) continuing the file named by the token in its meta: a version that does not
#    read journals must not read (or write) these files. As a table-level step it changes
#    nothing: a file without a token has no journal yet.
SCHEMA_VERSION = 5
META_TABLE = "meta"
APP_MARK = "soptrack"
SPLIT_VERSION = 2
INDEX_VERSION = 3
# meta "kind" of the index file: a soptrack file at that name without it is not ours
INDEX_KIND = "index"

Tables = dict[str, Any]


def _v1_to_v2(data: Tables) -> Tables:
    # the catalog module reads the shipped SOPs: only needed by a migration
    from soptrack.store.catalog import migrate_v1

    return migrate_v1(data)


# MIGRATIONS[n] turns a version-n database into version n + 1.
MIGRATIONS: dict[int, Callable[[Tables], Tables]] = {
    1: _v1_to_v2,
    SPLIT_VERSION: lambda data: data,
    INDEX_VERSION: lambda data: data,
    4: lambda data: data,
}


class ForeignFile(Exception):
    """JSON, but not a soptrack database."""


def version_of(data: Tables) -> int | None:
    meta = data.get(META_TABLE, {}).get("1")
    if not isinstance(meta, dict) or meta.get("app") != APP_MARK:
        return None
    version = meta.get("schema")
    return version if isinstance(version, int) else None


def upgrade(data: Tables, path: str) -> tuple[Tables, bool]:
    """Return the data at SCHEMA_VERSION and whether a migration ran."""
    version = version_of(data)
    if version is None:
        raise ForeignFile("bukan database soptrack (tidak ada versi skema)")
    if version > SCHEMA_VERSION:
        raise StoreTooNew(
            f"database {path} memakai skema versi {version}, soptrack ini hanya kenal sampai "
            f"versi {SCHEMA_VERSION}; perbarui soptrack (pip install -U soptrack)"
        )
    migrated = version < SCHEMA_VERSION
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise ForeignFile(f"tidak ada migrasi dari skema versi {version}")
        data = step(data)
        version += 1
    return data, migrated


def kind_of(data: Tables) -> str | None:
    """What a soptrack file holds besides a database: "index" for the index file."""
    meta = data.get(META_TABLE, {}).get("1")
    kind = meta.get("kind") if isinstance(meta, dict) else None
    return kind if isinstance(kind, str) else None


def stamp(data: Tables, kind: str | None = None, token: str | None = None) -> Tables:
    """`token`: names this version of a file that a journal may continue (storage.py)."""
    meta: dict[str, Any] = {"app": APP_MARK, "schema": SCHEMA_VERSION}
    if kind is not None:
        meta["kind"] = kind
    if token is not None:
        meta["journal"] = token
    data[META_TABLE] = {"1": meta}
    return data


def journal_token(data: Tables) -> str | None:
    meta = data.get(META_TABLE, {}).get("1")
    token = meta.get("journal") if isinstance(meta, dict) else None
    return token if isinstance(token, str) else None
