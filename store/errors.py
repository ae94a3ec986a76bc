"""Store errors: each one line that names the file and what to do."""

from __future__ import annotations

from soptrack.sop.errors import SoptrackError


class StoreError(SoptrackError):
    exit_code = 2


class StoreBusy(StoreError):
    """Another soptrack holds the lock for too long. Exit 3: a retry may succeed."""

    exit_code = 3


class StoreCorrupt(StoreError):
    """The file cannot be read as a soptrack database; it is never overwritten."""


class StoreTooNew(StoreError):
    """Written by a newer soptrack: refuse rather than lose fields we do not know."""
