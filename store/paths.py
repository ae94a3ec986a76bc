"""Where soptrack keeps its files, per user, via platformdirs (XDG on Linux)."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_path, user_data_path

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


def resolve_db_path(flag: str | None = None) -> Path:
    """--db PATH, else $SOPTRACK_DB, else the user data directory."""
    chosen = flag or os.environ.get(DB_ENV) or ""
    if chosen.strip():
        return Path(chosen).expanduser()
    return default_db_path()
