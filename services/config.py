"""Settings and where each came from: flag > environment > user config > system config >
built-in default.

An administrator writes /etc/soptrack/config.toml once (shared database path, office profile,
role mapping) and no user has to export anything. The file format:

    db = "/srv/soptrack/soptrack.json"
    ekspor = "~/Dokumen/soptrack"   # where documents go without -o (else the current folder)

    [office]                 # any key of `soptrack office set`
    alamat = "Jl. ..."
    "kepala.nama" = "..."

    [peran]                  # OS user -> roles (lane ids or admin)
    budi = ["sekretaris"]
    wajib = true             # enforce roles
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from soptrack.sop.errors import BadInput
from soptrack.sop.office import is_admin_key
from soptrack.sop.values import Value
from soptrack.store.paths import DB_ENV, config_dir, default_db_path, expand, user_sop_dir

CONFIG_ENV = "SOPTRACK_CONFIG"
SYSTEM_CONFIG = Path("/etc/soptrack/config.toml")
_TOP_KEYS = {"db", "ekspor", "office", "peran", "keys"}
DEFAULT_DB_SOURCE = "bawaan (folder data pengguna)"


@dataclass(frozen=True, repr=False, eq=False)
class Setting(Value):
    """A setting's value and where it came from (shown by `soptrack config`)."""

    value: str
    source: str


@dataclass(frozen=True, repr=False, eq=False)
class Config(Value):
    """The settings of this process, each with its source: system config, user config,
    environment or argument."""

    db: Setting
    office: dict[str, Setting] = field(default_factory=dict)
    sop_dirs: tuple[Path, ...] = ()
    files: tuple[Path, ...] = ()
    keys: dict[str, str] = field(default_factory=dict)
    # keys a user's own file tried to set that only the system config and the database may
    ignored: dict[str, Setting] = field(default_factory=dict)
    # The folder documents are exported to when no -o is given (else the current folder).
    export_dir: Setting | None = None

    def rows(self) -> list[tuple[str, str, str]]:
        rows = [("db", self.db.value, self.db.source)]
        if self.export_dir is not None:
            rows.append(("ekspor", self.export_dir.value, self.export_dir.source))
        rows += [(f"office.{k}", s.value, s.source) for k, s in sorted(self.office.items())]
        rows += [
            (f"office.{k}", s.value, f"DIABAIKAN: {s.source} (hanya config sistem/database)")
            for k, s in sorted(self.ignored.items())
        ]
        rows += [("sop_dir", str(d), "folder draf SOP (tidak dipakai run)") for d in self.sop_dirs]
        rows += [(f"keys.{k}", v, "[keys]") for k, v in sorted(self.keys.items())]
        return rows


def system_config_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return expand(env[CONFIG_ENV], CONFIG_ENV) if env.get(CONFIG_ENV) else SYSTEM_CONFIG


def user_config_path() -> Path:
    return config_dir() / "config.toml"


def load_config(db_flag: str | None = None, env: Mapping[str, str] | None = None) -> Config:
    env = os.environ if env is None else env
    system_path = system_config_path(env)
    user_path = user_config_path()
    layers = [(p, f"config sistem {p}") for p in [system_path]] + [
        (user_path, f"config pengguna {user_path}")
    ]
    db = Setting(str(default_db_path()), DEFAULT_DB_SOURCE)
    office: dict[str, Setting] = {}
    keys: dict[str, str] = {}
    export_dir: Setting | None = None
    files: list[Path] = []
    ignored: dict[str, Setting] = {}
    for path, source in layers:
        data = _read(path)
        if data is None:
            continue
        files.append(path)
        if "db" in data:
            if not isinstance(data["db"], str) or not data["db"].strip():
                raise BadInput(
                    f'{path}: db harus berupa path file, mis. db = "/srv/soptrack/db.json"'
                )
            db = Setting(str(expand(data["db"], f"{path}: db")), source)
        if "ekspor" in data:
            if not isinstance(data["ekspor"], str) or not data["ekspor"].strip():
                raise BadInput(f'{path}: ekspor harus berupa folder, mis. ekspor = "~/Dokumen"')
            export_dir = Setting(str(expand(data["ekspor"], f"{path}: ekspor")), source)
        for key, value in _office_keys(path, data).items():
            if is_admin_key(key) and (path == user_path or not _trusted(path)):
                # roles, enforcement and office time are the office's, not each user's
                ignored[key] = Setting(value, source)
                continue
            office[key] = Setting(value, source)
        keys.update(_key_overrides(path, data))
    if env.get(DB_ENV, "").strip():
        db = Setting(str(expand(env[DB_ENV], DB_ENV)), f"variabel {DB_ENV}")
    if db_flag is not None:
        if not db_flag.strip():
            raise BadInput("--db kosong: beri path file database, mis. --db /srv/soptrack/db.json")
        db = Setting(str(expand(db_flag, "--db")), "flag --db")
    sop_dirs = (system_path.parent / "sops", user_sop_dir())
    return Config(
        db=db,
        office=office,
        sop_dirs=sop_dirs,
        files=tuple(files),
        keys=keys,
        ignored=ignored,
        export_dir=export_dir,
    )


def check_db_folder(db: Setting) -> None:
    """A database someone named (--db, SOPTRACK_DB, a config file) must sit in a folder that
    exists: a mistyped path would otherwise start a new, empty database (folders and all),
    and every later change would go there unseen. Only the built-in default in the user's
    data folder is created with its folders, so the first `soptrack` needs no setup (also
    when named: `soptrack serve` passes it to its app as --db)."""
    if db.source == DEFAULT_DB_SOURCE or _same_file(Path(db.value), default_db_path()):
        return
    folder = Path(db.value).parent
    try:
        os.stat(folder)
    except FileNotFoundError:
        raise BadInput(
            f"folder database {folder} tidak ada (db dari {db.source}); buat foldernya dulu "
            f"(mkdir -p {folder}) atau periksa {db.source}"
        ) from None
    except OSError:
        return  # a file in the way, no permission: the store names the file itself


def _same_file(path: Path, other: Path) -> bool:
    """The same place, through symlinks too (`serve` passes the resolved path: a home
    folder that is a symlink, as /home -> /var/home, made the default look named)."""
    return os.path.realpath(path) == os.path.realpath(other)


def _trusted(path: Path) -> bool:
    """A file the user cannot change: SOPTRACK_CONFIG lets anyone name a file, so the keys
    that decide roles are taken only from one the user neither owns nor can write (root's
    own files count as root's system config)."""
    try:
        st = path.stat()
    except OSError:
        return False
    mine = st.st_uid == os.getuid() and st.st_uid != 0
    return not mine and not st.st_mode & 0o022


def _read(path: Path) -> dict[str, Any] | None:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise BadInput(f"{path}: ini folder, bukan file config.toml") from None
    except PermissionError:
        raise BadInput(f"{path}: tidak ada izin membaca; minta admin: chmod a+r {path}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BadInput(f"{path}: config rusak: {exc}") from None
    except RecursionError:
        raise BadInput(f"{path}: config rusak: bersarang terlalu dalam") from None
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise BadInput(
            f"{path}: kunci {sorted(unknown)[0]!r} tidak dikenal; "
            "yang boleh: db, ekspor, [office], [peran], [keys]"
        )
    return data


def _office_keys(path: Path, data: dict[str, Any]) -> dict[str, str]:
    keys: dict[str, str] = {}
    office = data.get("office", {})
    if not isinstance(office, dict):
        raise BadInput(f"{path}: office harus berupa tabel [office]")
    _flatten(path, office, "", keys)
    roles = data.get("peran", {})
    if not isinstance(roles, dict):
        raise BadInput(f"{path}: peran harus berupa tabel [peran]")
    for user, value in roles.items():
        if user == "wajib":
            keys["peran.wajib"] = _text(path, "peran.wajib", value)
        else:
            keys[f"peran.{user}"] = _text(path, f"peran.{user}", value)
    return keys


def _key_overrides(path: Path, data: dict[str, Any]) -> dict[str, str]:
    """`[keys]`: binding id -> keys, e.g. `start = "x"` or `search = "slash,ctrl+f"`."""
    table = data.get("keys", {})
    if not isinstance(table, dict):
        raise BadInput(f'{path}: keys harus berupa tabel [keys], mis. start = "x"')
    keys: dict[str, str] = {}
    for binding_id, value in table.items():
        if not isinstance(value, str) or not value.strip() or any(c.isspace() for c in value):
            raise BadInput(
                f"{path}: keys.{binding_id}: tulis tombol sebagai teks tanpa spasi, "
                'mis. "x", "ctrl+s" atau "x,ctrl+x"'
            )
        keys[str(binding_id)] = value
    return keys


def _flatten(path: Path, table: dict[str, Any], prefix: str, into: dict[str, str]) -> None:
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            _flatten(path, value, name + ".", into)
        else:
            into[name] = _text(path, name, value)


def _text(path: Path, key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ",".join(value)
    if isinstance(value, str | int | float):
        return str(value)
    raise BadInput(f"{path}: {key}: nilai {value!r} tidak dikenal")
