"""The kinds of document soptrack writes: one registry that the SOP format, the command line,
the export dialog and the board all read.

An SOP declares in its data file which of these its runs produce and which step signs them
(`[[dokumen]]`); every SOP also has its own sheet (`sop`), so a run of an SOP that declares
nothing still offers that.
"""

from __future__ import annotations

from dataclasses import dataclass

from soptrack.sop.values import Value


@dataclass(frozen=True, repr=False, eq=False)
class DocumentKind(Value):
    """A document an SOP can declare: what it is called, the file it becomes, and whether it
    takes a letter number or the run's performance data."""

    id: str
    label: str
    file_name: str
    aliases: tuple[str, ...] = ()
    letter: bool = False  # gets a number from the yearly letter register once signed
    uses_performance_data: bool = False  # filled from the run's performance data (form, data)


SHEET = "sop"

KINDS: tuple[DocumentKind, ...] = (
    DocumentKind(
        "pk",
        "Dokumen Pengukuran Kinerja",
        "pengukuran-kinerja",
        aliases=("pengukuran", "pengukuran-kinerja"),
        uses_performance_data=True,
    ),
    DocumentKind(
        "pengantar",
        "Surat pengantar",
        "surat-pengantar",
        aliases=("surat-pengantar",),
        letter=True,
        uses_performance_data=True,
    ),
    DocumentKind(SHEET, "Lembar SOP", "sop"),
)
BY_ID = {kind.id: kind for kind in KINDS}
_NAMES = {name: kind.id for kind in KINDS for name in (kind.id, *kind.aliases)}
DECLARABLE = tuple(kind.id for kind in KINDS if kind.id != SHEET)


def kind_named(name: str) -> DocumentKind | None:
    """The kind a user typed (its id or an alias, any case), or None."""
    key = _NAMES.get(name.strip().lower())
    return BY_ID[key] if key else None


@dataclass(frozen=True, repr=False, eq=False)
class DocumentSpec(Value):
    """A document an SOP's runs produce, and the step whose completion signs it."""

    kind: str
    signed_at: int | None = None
