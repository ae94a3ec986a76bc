"""The SOP catalog table: every stored version of every SOP, never rewritten.

Kept apart from runs: versions are only ever added, and a run refers to one by
(sop_id, version). The repository calls these under its lock.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Document

from soptrack.sop.catalog import SHIPPED_DIR, sop_files
from soptrack.sop.chain import seal_document
from soptrack.sop.errors import SoptrackError
from soptrack.sop.loader import parse_sop
from soptrack.sop.versions import SHIPPED_BY, SopVersion, version_from_dict, version_to_dict

SOPS = "sops"


def versions(db: TinyDB) -> list[SopVersion]:
    return [version_from_dict(dict(doc)) for doc in db.table(SOPS).all()]


def versions_in(tables: dict[str, Any]) -> list[SopVersion]:
    """The same, from a file's tables as parsed (a transaction over several files)."""
    return [version_from_dict(dict(doc)) for doc in tables.get(SOPS, {}).values()]


def insert_into(tables: dict[str, Any], version: SopVersion) -> None:
    table = tables.setdefault(SOPS, {})
    doc_id = max((int(key) for key in table), default=0) + 1
    table[str(doc_id)] = version_to_dict(version)


def insert(db: TinyDB, version: SopVersion) -> None:
    table = db.table(SOPS)
    doc_id = max((doc.doc_id for doc in table.all()), default=0) + 1
    table.insert(Document(version_to_dict(version), doc_id=doc_id))


# -- schema 1 -> 2: runs keep their SOP, history is chained ---------------------------------


def legacy_sop_dirs() -> list[Path]:
    """Where SOPs lived before the catalog moved into the database: the shipped folder, the
    system folder beside the system config, the user's own folder (later ones won)."""
    from soptrack.store.paths import user_sop_dir

    config = os.environ.get("SOPTRACK_CONFIG", "").strip()
    system = Path(config).expanduser().parent if config else Path("/etc/soptrack")
    return [SHIPPED_DIR, system / "sops", user_sop_dir()]


def migrate_v1(data: dict[str, Any]) -> dict[str, Any]:
    """Each run gets the version its SOP has today (as this user's files define it); every
    history entry gets its hash. A run whose SOP file is nowhere here stays unpinned until
    someone adds that SOP (`sop add` pins it then)."""
    texts: dict[str, tuple[str, str, str, bool]] = {}
    for directory in legacy_sop_dirs():
        for path in sop_files(directory):
            try:
                text = path.read_text(encoding="utf-8")
                sop = parse_sop(text, str(path))
            except (OSError, UnicodeDecodeError, SoptrackError):
                continue  # a file that does not load: its runs stay unpinned, doctor says so
            texts[sop.id] = (text, sop.code, str(path), directory == SHIPPED_DIR)
    runs: dict[str, dict[str, Any]] = data.get("runs", {})
    sops: dict[str, dict[str, Any]] = data.setdefault(SOPS, {})
    stored: dict[str, int] = {}
    now = datetime.now(UTC).replace(microsecond=0)
    for doc in runs.values():
        sop_id = doc.get("sop_id")
        if not isinstance(sop_id, str):
            continue  # a damaged run: reading it reports the damage
        if doc.get("sop_version") is None and sop_id in texts:
            if sop_id not in stored:
                text, code, source, shipped = texts[sop_id]
                number = len(sops) + 1
                version = SopVersion(
                    sop_id,
                    1,
                    code,
                    text,
                    SHIPPED_BY if shipped else "migrasi",
                    now,
                    source,
                    shipped,
                )
                sops[str(number)] = version_to_dict(version)
                stored[sop_id] = 1
            doc["sop_version"] = stored[sop_id]
        seal_document(doc)
    return data
