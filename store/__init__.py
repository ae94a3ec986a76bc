"""Persistence: the only package that touches TinyDB.

One JSON file shared by a team: every read-modify-write under an inter-process lock, every
write atomic (temporary file, fsync, os.replace), a schema version, rolling backups.
"""

from soptrack.store.errors import StoreBusy, StoreCorrupt, StoreError
from soptrack.store.repository import Repository

__all__ = ["Repository", "StoreBusy", "StoreCorrupt", "StoreError"]
