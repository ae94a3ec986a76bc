"""The SOP catalog of an office: every version of every SOP, kept for good.

A run follows the version it was started with, so changing an SOP never reinterprets the
runs already under way. Versions are numbered per SOP from 1; each records who stored it and
when. The SOPs shipped with soptrack are the defaults: the first run of one stores its text
as a version, so an upgrade of soptrack that changes a shipped SOP does not change old runs
either.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from soptrack.sop.errors import BadInput
from soptrack.sop.loader import parse_sop
from soptrack.sop.model import Sop
from soptrack.sop.values import Value

SHIPPED_BY = "soptrack (bawaan)"


@dataclass(frozen=True, repr=False, eq=False)
class SopVersion(Value):
    """One stored version of an SOP file: runs keep the version they started with, so an
    edited SOP never changes the rules of a run under way."""

    sop_id: str
    version: int
    code: str
    text: str
    by: str
    at: datetime
    source: str = ""
    shipped: bool = False

    @property
    def digest(self) -> str:
        return text_digest(self.text)

    @property
    def label(self) -> str:
        """What errors call this version (its SOP's `source`)."""
        return f"SOP {self.sop_id} versi {self.version} (database)"

    def sop(self) -> Sop:
        """The SOP this version holds (validated when it was stored)."""
        return parse_sop(self.text, self.label)


def text_digest(text: str) -> str:
    return _sha256()(text.encode("utf-8")).hexdigest()


@functools.cache
def _sha256() -> Callable[[bytes], Any]:
    """SHA-256 without OpenSSL when the interpreter has its own: the store checks each
    stored SOP version against its digest before the first frame, and `import hashlib`
    loads libcrypto first (1.1 ms of every start, measured). CPython's own module is slower
    per byte (30 us for a 10 KB SOP against 6 us), which pays for itself up to some forty
    stored versions; the digest is the same either way."""
    for name in ("_sha256", "_sha2"):  # CPython 3.11; 3.12 and later
        try:
            return importlib.import_module(name).sha256
        except (ImportError, AttributeError):
            continue
    import hashlib

    return hashlib.sha256


def version_to_dict(v: SopVersion) -> dict[str, Any]:
    return {
        "sop_id": v.sop_id,
        "version": v.version,
        "code": v.code,
        "text": v.text,
        "sha256": v.digest,
        "by": v.by,
        "at": v.at.isoformat(timespec="seconds"),
        "source": v.source,
        "shipped": v.shipped,
    }


def version_from_dict(data: dict[str, Any]) -> SopVersion:
    version = SopVersion(
        sop_id=str(data["sop_id"]),
        version=int(data["version"]),
        code=str(data["code"]),
        text=str(data["text"]),
        by=str(data.get("by", "")),
        at=datetime.fromisoformat(data["at"]),
        source=str(data.get("source", "")),
        shipped=bool(data.get("shipped", False)),
    )
    if data.get("sha256") and data["sha256"] != version.digest:
        raise ValueError(f"SOP {version.sop_id} versi {version.version}: isi tidak cocok")
    return version


def latest(versions: Iterable[SopVersion]) -> dict[str, SopVersion]:
    """The newest version of each SOP id."""
    newest: dict[str, SopVersion] = {}
    for v in versions:
        if v.sop_id not in newest or v.version > newest[v.sop_id].version:
            newest[v.sop_id] = v
    return newest


def check_unique(sop: Sop, others: Iterable[Sop]) -> None:
    """id and code name one SOP each: `run new pk` and run ids `pk-N` must not be ambiguous."""
    for other in others:
        if other.id == sop.id:
            continue
        if other.code == sop.code or other.id == sop.code or other.code == sop.id:
            raise BadInput(
                f"SOP {sop.id}: kode {sop.code!r} sudah dipakai oleh SOP {other.id} "
                f"(kode {other.code!r}); pilih code lain di file itu"
            )
