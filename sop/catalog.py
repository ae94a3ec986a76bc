"""Which SOPs soptrack knows: the shipped ones, and those the office stored in its database
(see sop/versions.py). `Catalog.load` of a folder is for drafts and tests only."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from soptrack.sop.errors import BadInput, SopFileError
from soptrack.sop.loader import load_sop
from soptrack.sop.model import Sop
from soptrack.sop.values import Value

SHIPPED_DIR = Path(__file__).with_name("data")


def sop_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.glob("*.toml") if p.is_file())


@dataclass(frozen=True, repr=False, eq=False)
class Catalog(Value):
    """SOPs by id, in a stable order. A user file with a shipped id replaces the shipped one,
    so an office can fill in its own Nomor SOP and dates without renaming the SOP."""

    sops: tuple[Sop, ...]
    # A user's SOP file that does not load, one line each: it is left out, so one broken or
    # hostile file in the SOP folder never stops every command (`sop validate` names why).
    problems: tuple[str, ...] = ()

    @classmethod
    def load(cls, user_dirs: Iterable[Path] = ()) -> Catalog:
        by_id: dict[str, Sop] = {}
        problems: list[str] = []
        for directory in (SHIPPED_DIR, *user_dirs):
            for path in sop_files(directory):
                try:
                    sop = load_sop(path)
                except SopFileError as exc:
                    if directory == SHIPPED_DIR:
                        raise
                    problems.append(f"{exc}; file itu dilewati")
                    continue
                by_id[sop.id] = sop
        return cls(tuple(by_id.values()), tuple(problems))

    def __iter__(self) -> Iterator[Sop]:
        return iter(self.sops)

    def __len__(self) -> int:
        return len(self.sops)

    def get(self, sop_id: str) -> Sop:
        for sop in self.sops:
            if sop.id == sop_id or sop.code == sop_id:
                return sop
        known = ", ".join(s.id for s in self.sops)
        raise BadInput(f"SOP {sop_id!r} tidak dikenal (unknown SOP); yang ada: {known}")

    def find(self, sop_id: str) -> Sop | None:
        return next((s for s in self.sops if s.id == sop_id), None)

    @property
    def roles(self) -> list[str]:
        """Every lane id of every SOP: the roles a user can hold."""
        seen: dict[str, None] = {}
        for sop in self.sops:
            for lane in sop.lanes:
                seen.setdefault(lane.id, None)
        return list(seen)


@functools.cache
def shipped() -> Catalog:
    """The SOPs that come with soptrack: the defaults of every database (read once: they
    change only with soptrack itself)."""
    return Catalog.load(())


def merged(defaults: Catalog, stored: Iterable[Sop]) -> Catalog:
    """The catalog everyone on one database sees: the shipped SOPs, each replaced by the
    database's version when there is one, then the SOPs only the database has."""
    by_id = {sop.id: sop for sop in defaults}
    for sop in stored:
        by_id[sop.id] = sop
    return Catalog(tuple(by_id.values()))
