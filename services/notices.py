"""What a command or a key leaves to say besides its result: a write that succeeded without
the backup the README promises before it (the write is kept: see store.backups)."""

from __future__ import annotations

from soptrack.store import backups


def backup_warnings() -> list[str]:
    """One line per backup folder that failed since the last call, with the fix."""
    return [f"perubahan tersimpan tanpa cadangan: {why}" for why in backups.take_failures()]
