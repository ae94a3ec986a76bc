"""The surat pengantar that sends the signed Dokumen Pengukuran Kinerja (step 12).

Kop with its closing rule; place and date with Kepada Yth.; SURAT PENGANTAR and its Nomor;
the table No | Naskah Dinas yang dikirimkan | Banyaknya | Keterangan; the sender's signature
block; the receipt block (Diterima tanggal; Penerima: nama, NIP, tanda tangan).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from docx.document import Document as DocumentObject

from soptrack.exporters.docx_common import (
    CENTER,
    LEFT,
    cell_text,
    fill_header,
    grid_table,
    kop,
    middle,
    new_document,
    para,
    plain_table,
    signature,
    unit_name,
)
from soptrack.sop.dates import long_date, terbilang
from soptrack.sop.office import OfficeProfile
from soptrack.sop.run import Run

COLUMNS = ("No", "Naskah Dinas yang dikirimkan", "Banyaknya", "Keterangan")
WIDTHS = (1.0, 6.8, 3.0, 5.2)
DOTS = "...................................."
DEFAULT_KETERANGAN = (
    "Disampaikan dengan hormat untuk diketahui dan dipergunakan sebagaimana mestinya."
)


@dataclass(frozen=True)
class Recipient:
    """Kepada Yth. ... di ...; stored per run in Run.extra["pengantar"]."""

    kepada: str = ""
    tempat: str = ""
    eksemplar: int = 1
    keterangan: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "kepada": self.kepada,
            "tempat": self.tempat,
            "eksemplar": self.eksemplar,
            "keterangan": self.keterangan,
        }

    @classmethod
    def from_dict(cls, data: dict | None) -> Recipient:
        data = data or {}
        return cls(
            kepada=str(data.get("kepada", "")),
            tempat=str(data.get("tempat", "")),
            eksemplar=int(data.get("eksemplar", 1) or 1),
            keterangan=str(data.get("keterangan", "")),
        )


def document_title(run: Run, office: OfficeProfile) -> str:
    return f"Dokumen Pengukuran Kinerja {unit_name(office)} Tahun {run.year}"


def render(
    run: Run,
    office: OfficeProfile,
    *,
    number: str,
    letter_date: date,
    recipient: Recipient,
    paper: str = "A4",
) -> DocumentObject:
    doc = new_document(paper)
    kop(doc, office)

    head = plain_table(doc, 1, 2, (7.5, 8.5))
    right = head.cell(0, 1)
    para(right, f"{office.kota}, {long_date(letter_date)}", space_after=12)
    para(right, "Kepada")
    para(right, f"Yth. {recipient.kepada or DOTS}")
    para(right, "di -")
    para(right, f"      {recipient.tempat or office.kota}")

    para(doc, "", space_after=12)
    para(doc, "SURAT PENGANTAR", bold=True, underline=True, size=12, align=CENTER)
    para(doc, f"Nomor: {number}", align=CENTER, space_after=12)

    table = grid_table(doc, 2, len(COLUMNS), WIDTHS)
    fill_header(table, COLUMNS, size=11)
    cells = table.rows[1].cells
    copies = max(1, recipient.eksemplar)
    cell_text(cells[0], "1.", align=CENTER)
    cell_text(cells[1], document_title(run, office), align=LEFT)
    cell_text(cells[2], f"{copies} ({terbilang(copies)}) eksemplar", align=CENTER)
    cell_text(cells[3], recipient.keterangan or DEFAULT_KETERANGAN, align=LEFT)
    middle(cells[0], cells[2])

    para(doc, "", space_after=18)
    foot = plain_table(doc, 1, 2, (8.0, 8.0))
    signature(foot.cell(0, 1), office.kepala, prefix="")

    para(doc, "", space_after=12)
    receipt = plain_table(doc, 1, 2, (8.0, 8.0))
    left = receipt.cell(0, 0)
    para(left, "Diterima tanggal: ......................")
    para(left, "Penerima,", space_before=6)
    para(left, "Jabatan : ..............................")
    para(left, "")
    para(left, "Tanda tangan : ......................")
    para(left, "")
    para(left, "Nama : .................................")
    para(left, "NIP    : .................................")
    return doc
