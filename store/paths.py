"""Where soptrack keeps its files, per user, via platformdirs (XDG on Linux)."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_path, user_data_path

from soptrack.sop.errors import BadInput

APP = "soptrack"
DB_ENV = "SOPTRACK_DB"


def data_dir() -> Path:
    return user_data_path(APP, appauthor=False)


def config_dir() -> Path:
    return user_config_path(APP, appauthor=False)


def user_sop_dir() -> Path:
    """User-written SOP files (`soptrack sop add` copies here)."""
    return config_dir() / "sops"


def default_db_path() -> Path:
    return data_dir() / "soptrack.json"


def expand(text: str, what: str = "path") -> Path:
    """`~` and `~user` expanded; an unknown user is the user's mistake, not a traceback."""
    try:
        return Path(text).expanduser()
    except RuntimeError:
        raise BadInput(f"{what} {text!r}: folder rumah pengguna itu tidak dikenal") from None


def resolve_db_path(flag: str | None = None) -> Path:
    """--db PATH, else $SOPTRACK_DB, else the user data directory."""
    chosen = flag or os.environ.get(DB_ENV) or ""
    if chosen.strip():
        return expand(chosen, "database")
    return default_db_path()
