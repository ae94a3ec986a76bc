"""Tests that fork and drop root for another user must not depend on where the clone sits.

From a clone in a private folder (0700, as `mktemp -d` makes) the other user can read neither
the sources (an editable install points into the clone) nor the shipped SOP files. So before
the fork everything the command could import later is imported and exercised once, and the
child reads the shipped SOPs from a copy everyone may read.
"""

from __future__ import annotations

import atexit
import importlib
import io
import os
import pkgutil
import shutil
import tempfile
from pathlib import Path

PACKAGES = (
    "soptrack.sop",
    "soptrack.store",
    "soptrack.exporters",
    "soptrack.services",
    "soptrack.cli",
)
LAZY = (
    "rich.box",
    "rich.console",
    "rich.table",
    "rich.text",
    "grp",
    "pwd",
    "docx",
    "encodings.ascii",
    "encodings.latin_1",
    "encodings.utf_8_sig",
    "encodings.cp1252",
    "encodings.cp437",  # zipfile's, for python-docx reading its template
)
_SHIPPED_COPY: Path | None = None


def preload() -> None:
    """Import every module of the command line, and render a table once (rich imports
    parts of itself the first time it draws)."""
    import soptrack.main  # noqa: F401

    for name in PACKAGES:
        package = importlib.import_module(name)
        for info in pkgutil.walk_packages(package.__path__, f"{name}."):
            importlib.import_module(info.name)
    for name in LAZY:
        importlib.import_module(name)
    from soptrack.cli.output import add_row, table
    from soptrack.cli.render import Console

    rows = table("t", ["a", "b"], nowrap=("a",))
    add_row(rows, "satu dua tiga", "x")
    Console(file=io.StringIO(), width=40).print(rows)


def readable_shipped_sops() -> Path:
    """A copy of the shipped SOP files in a folder every user may read."""
    global _SHIPPED_COPY
    from soptrack.sop import catalog

    if _SHIPPED_COPY is None or not _SHIPPED_COPY.is_dir():
        folder = Path(tempfile.mkdtemp(prefix="soptrack-shipped-", dir="/tmp"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)  # by the test process only
        os.chmod(folder, 0o755)
        for path in catalog.SHIPPED_DIR.glob("*.toml"):
            shutil.copyfile(path, folder / path.name)
            os.chmod(folder / path.name, 0o644)
        _SHIPPED_COPY = folder
    return _SHIPPED_COPY


def become(uid: int, gid: int, groups: list[int], shipped: Path) -> None:
    """In the forked child: drop root, and read the shipped SOPs from the readable copy."""
    from soptrack.sop import catalog

    catalog.SHIPPED_DIR = shipped
    os.setgroups(groups)
    os.setgid(gid)
    os.setuid(uid)
