"""`soptrack init --shared`: one database folder for an office's Unix group."""

from __future__ import annotations

import grp
from collections.abc import Iterator
from pathlib import Path

from soptrack.store import Repository, shared


def init_shared(folder: Path, group: str) -> Iterator[str]:
    """Prepare the folder, create the database and its lock, and say what was done."""
    directory = folder.expanduser().absolute()
    yield from shared.prepare(directory, group)
    db = directory / "soptrack.json"
    repo = Repository(db)
    if repo.initialize():
        yield f"database dibuat: {db}"
    gid = grp.getgrnam(group).gr_gid
    with repo.transaction_lock():
        pass  # creates the lock file
    repo.run_count()  # an existing database: migrated, and its index written, first
    yield shared.fix_file(db, gid)
    if repo.index_path.exists():
        yield shared.fix_file(repo.index_path, gid)
    yield shared.fix_file(Path(str(db) + ".lock"), gid)
    yield "Selanjutnya, untuk semua pengguna: tambahkan ke /etc/soptrack/config.toml"
    yield f'  db = "{db}"'
    yield f"dan masukkan pengguna ke grup: usermod -aG {group} NAMA"
