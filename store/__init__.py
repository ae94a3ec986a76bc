"""Persistence: the only package that touches TinyDB.

A set of JSON files shared by a team (store/layout.py): every read-modify-write under one
inter-process lock, every write atomic (temporary file, os.replace; fsync for every file but
the derived run index), a schema version, rolling backups.
"""

from soptrack.store.errors import StoreBusy, StoreCorrupt, StoreError
from soptrack.store.repository import Repository

__all__ = ["Repository", "StoreBusy", "StoreCorrupt", "StoreError"]
