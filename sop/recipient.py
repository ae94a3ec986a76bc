"""Who a surat pengantar goes to and what it carries: the addressee, the rows of its table
(lampiran) and the Tembusan. Stored per run in Run.extra["pengantar"]; the exporter and the
services read the same objects."""

from __future__ import annotations

from dataclasses import dataclass

from soptrack.sop.dates import terbilang
from soptrack.sop.performance import clean_cell

MAX_ROWS = 20  # rows of the letter's table, the document itself included


def _int(value: object, default: int = 1) -> int:
    try:
        return max(1, int(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return default


@dataclass(frozen=True)
class Attachment:
    """A further row of the table: what is sent, how many of it, and a remark."""

    naskah: str
    banyaknya: int = 1
    satuan: str = "buah"
    keterangan: str = ""

    @property
    def amount(self) -> str:
        return f"{self.banyaknya} ({terbilang(self.banyaknya)}) {self.satuan}".strip()

    def to_dict(self) -> dict[str, object]:
        return {
            "naskah": self.naskah,
            "banyaknya": self.banyaknya,
            "satuan": self.satuan,
            "keterangan": self.keterangan,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Attachment:
        return cls(
            naskah=clean_cell(str(data.get("naskah", ""))),
            banyaknya=_int(data.get("banyaknya", 1)),
            satuan=clean_cell(str(data.get("satuan", "buah"))),
            keterangan=clean_cell(str(data.get("keterangan", ""))),
        )


@dataclass(frozen=True)
class Recipient:
    """Kepada Yth. ... di ..., the rows sent and the Tembusan; stored per run in
    Run.extra["pengantar"]."""

    kepada: str = ""
    tempat: str = ""
    eksemplar: int = 1
    keterangan: str = ""
    lampiran: tuple[Attachment, ...] = ()
    tembusan: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "kepada": self.kepada,
            "tempat": self.tempat,
            "eksemplar": self.eksemplar,
            "keterangan": self.keterangan,
            "lampiran": [a.to_dict() for a in self.lampiran],
            "tembusan": list(self.tembusan),
        }

    @classmethod
    def from_dict(cls, data: dict | None) -> Recipient:
        data = data or {}
        return cls(
            kepada=clean_cell(str(data.get("kepada", ""))),
            tempat=clean_cell(str(data.get("tempat", ""))),
            eksemplar=_int(data.get("eksemplar", 1)),
            keterangan=clean_cell(str(data.get("keterangan", ""))),
            lampiran=tuple(
                Attachment.from_dict(a)
                for a in data.get("lampiran") or []
                if isinstance(a, dict) and str(a.get("naskah", "")).strip()
            ),
            tembusan=tuple(
                clean_cell(str(t)) for t in data.get("tembusan") or [] if str(t).strip()
            ),
        )
