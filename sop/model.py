"""The SOP-AP format (PermenPANRB 35/2012) as plain, immutable dataclasses.

An SOP definition never changes while soptrack runs: runs refer to it by id, and the
workflow rules read it. Frozen dataclasses make that promise checkable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from soptrack.sop.documents import BY_ID, SHEET, DocumentKind, DocumentSpec
from soptrack.sop.values import Value


class StepKind(StrEnum):
    """The flowchart symbol a step is drawn with."""

    PROCESS = "process"
    DECISION = "decision"


@dataclass(frozen=True, repr=False, eq=False)
class Signatory(Value):
    """Whoever signs: the 'Disahkan oleh' block of an SOP or a letter's sender."""

    jabatan: str = ""
    nama: str = ""
    nip: str = ""
    pangkat: str = ""


@dataclass(frozen=True, repr=False, eq=False)
class Identity(Value):
    """The identity block in the top right of an SOP-AP sheet."""

    pemerintah: str = ""
    unit: str = ""
    nomor: str = ""
    tanggal_pembuatan: str = ""
    tanggal_revisi: str = ""
    tanggal_efektif: str = ""
    disahkan_oleh: Signatory = field(default_factory=Signatory)
    judul: str = ""


@dataclass(frozen=True, repr=False, eq=False)
class Lane(Value):
    """A Pelaksana column. `id` doubles as the role name users hold."""

    id: str
    name: str


@dataclass(frozen=True, repr=False, eq=False)
class Step(Value):
    """One row of the flowchart table."""

    number: int
    kegiatan: str
    lanes: tuple[str, ...]
    kelengkapan: str
    waktu: str
    minutes: int
    output: str
    keterangan: str = ""
    kind: StepKind = StepKind.PROCESS
    return_to: int | None = None
    terminator: bool = False
    short: str = ""

    @property
    def lane(self) -> str:
        """The lane the step's card sits in: the first one the Kegiatan names."""
        return self.lanes[0]

    @property
    def is_decision(self) -> bool:
        return self.kind is StepKind.DECISION

    @property
    def label(self) -> str:
        """A short name for cards and tables."""
        return self.short or _shorten(self.kegiatan)


@dataclass(frozen=True, repr=False, eq=False)
class Sop(Value):
    """A whole SOP: identity, the three two-column blocks, lanes and steps."""

    id: str
    name: str
    title: str
    code: str
    identity: Identity
    lanes: tuple[Lane, ...]
    steps: tuple[Step, ...]
    dasar_hukum: tuple[str, ...] = ()
    kualifikasi_pelaksana: tuple[str, ...] = ()
    keterkaitan: tuple[str, ...] = ()
    peralatan: tuple[str, ...] = ()
    peringatan: tuple[str, ...] = ()
    pencatatan: tuple[str, ...] = ()
    minutes_per_day: int = 510
    documents: tuple[DocumentSpec, ...] = ()
    source: str = ""

    def __post_init__(self) -> None:
        # status views look a step up for every record of every run: index it once
        object.__setattr__(self, "_by_number", {step.number: step for step in self.steps})

    def step(self, number: int) -> Step:
        return self._by_number[number]  # type: ignore[attr-defined]

    def find_step(self, number: int) -> Step | None:
        return self._by_number.get(number)  # type: ignore[attr-defined]

    def lane(self, lane_id: str) -> Lane:
        for lane in self.lanes:
            if lane.id == lane_id:
                return lane
        raise KeyError(lane_id)

    @property
    def total_minutes(self) -> int:
        """The standard time of one pass through every step (no returns)."""
        return sum(step.minutes for step in self.steps)

    @property
    def last_step(self) -> int:
        return self.steps[-1].number

    def document(self, kind: str) -> DocumentSpec | None:
        """The declared document of this kind; the SOP sheet is always there, unsigned."""
        if kind == SHEET:
            return DocumentSpec(SHEET)
        return next((d for d in self.documents if d.kind == kind), None)

    @property
    def document_kinds(self) -> tuple[DocumentKind, ...]:
        """What a run of this SOP can export: its declared documents, then its sheet."""
        return (*(BY_ID[d.kind] for d in self.documents), BY_ID[SHEET])

    @property
    def uses_performance_data(self) -> bool:
        return any(kind.uses_performance_data for kind in self.document_kinds)


def _shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + "…"
