"""The SOP monitoring form (PermenPANRB 35/2012, Tabel 7 "Monitoring Pelaksanaan SOP AP") as a
.docx, filled from the tracked runs.

Columns as the regulation has them: No | Prosedur | Penilaian terhadap penerapan (berjalan
dengan baik / tidak berjalan dengan baik) | Catatan hasil penilaian | Tindakan yang harus
diambil | Paraf penilai. soptrack fills the first four from sop.monitoring; Tindakan and Paraf
are the evaluator's and stay empty. Below: the SOP's overall verdict, how the figures were
counted, and the signatures of the evaluator and the head of the office.

A KONSEP (the default) is marked like the other documents and leaves the date blank; the
final form (`final=True`) carries the date it is printed.
"""

from __future__ import annotations

from datetime import date

from docx.document import Document as DocumentObject
from docx.table import Table

from soptrack.exporters.docx_common import (
    CENTER,
    LEFT,
    Margins,
    cell_margins,
    cell_text,
    fill_header,
    grid_table,
    header_row,
    keep_row,
    middle,
    page_numbers,
    para,
    plain_table,
    text_width,
)
from soptrack.exporters.letterhead import konsep_mark, kop, signature
from soptrack.exporters.styles import new_document
from soptrack.sop.dates import long_date
from soptrack.sop.durations import format_minutes
from soptrack.sop.model import Signatory, Sop
from soptrack.sop.monitoring import GOOD, NO_DATA, Monitoring
from soptrack.sop.office import OfficeProfile

EMU_PER_CM = 360000
BODY = 9
HEADS = (
    "No",
    "Prosedur",
    "Penilaian terhadap penerapan",
    "Catatan hasil penilaian",
    "Tindakan yang harus diambil",
    "Paraf penilai",
)
KONSEP_REASON = (
    "penilaian dihasilkan dari data run; Tindakan dan Paraf diisi penilai, "
    "lalu cetak ulang dengan --final"
)


def period_text(start: date, end: date) -> str:
    return f"{long_date(start)} s.d. {long_date(end)}"


def render(
    result: Monitoring,
    sop: Sop,
    office: OfficeProfile,
    *,
    paper: str = "A4",
    final: bool = False,
    today: date | None = None,
) -> DocumentObject:
    doc = new_document(paper, margins=Margins(2.0, 2.0, 2.0, 2.5))
    width = text_width(doc) / EMU_PER_CM - 0.1
    kop(doc, office)
    para(doc, "MONITORING PELAKSANAAN SOP", bold=True, size=12, align=CENTER)
    para(doc, "ADMINISTRASI PEMERINTAHAN", bold=True, size=12, align=CENTER, space_after=8)
    facts = plain_table(doc, 4, 3, (4.0, 0.4, width - 4.4))
    for row, (label, value) in enumerate(
        [
            ("Nama SOP", sop.identity.judul or sop.name),
            ("Nomor SOP", sop.identity.nomor or "-"),
            ("Periode penilaian", period_text(result.start, result.end)),
            ("Dasar penilaian", f"{result.runs} run tercatat ({result.finished_runs} selesai)"),
        ]
    ):
        cells = facts.rows[row].cells
        cell_text(cells[0], label, size=10)
        cell_text(cells[1], ":", size=10)
        cell_text(cells[2], value, size=10, bold=row == 0)
    para(doc, "", size=6)
    table = _table(doc, result, width)
    _keep_tail(table)
    verdict = result.verdict if result.good is not None else NO_DATA
    para(
        doc,
        f"Kesimpulan: {sop.name} {verdict} ({result.summary}).",
        size=10,
        bold=True,
        space_before=6,
        keep_with_next=True,
    )
    para(
        doc,
        f"Terlambat = waktu kerja (jam kantor) melebihi waktu Mutu Baku. Langkah dinilai "
        f"{GOOD} bila paling banyak {round(result.late_share_limit * 100)}% penyelesaiannya "
        f"terlambat dan tidak dikembalikan berulang (lebih dari {result.max_returns} kali); "
        "waktu = median dan terlama dari penyelesaian langkah dalam periode.",
        size=8,
        italic=True,
        keep_with_next=True,
    )
    para(doc, "", size=8, keep_with_next=True)
    _signatures(doc, office, width, final=final, today=today or date.today())
    page_numbers(doc)
    if not final:
        konsep_mark(doc, KONSEP_REASON)
    return doc


def _table(doc: DocumentObject, result: Monitoring, width: float) -> Table:
    fixed = (0.8, 0, 2.3, 0, 2.6, 1.4)
    rest = width - sum(fixed)
    widths = (0.8, rest * 0.52, 2.3, rest * 0.48, 2.6, 1.4)
    table = grid_table(doc, 2 + len(result.steps), len(HEADS), widths)
    cell_margins(table, 0.12)
    fill_header(table, HEADS, size=9)
    fill_header(table, [str(i) for i in range(1, len(HEADS) + 1)], row=1, size=8)
    header_row(table, 0)
    header_row(table, 1)
    for offset, step in enumerate(result.steps, start=2):
        cells = table.rows[offset].cells
        cell_text(cells[0], str(step.number), size=BODY, align=CENTER)
        prosedur = cell_text(cells[1], step.kegiatan, size=BODY, align=LEFT)
        lanes = ", ".join(step.lanes)
        para(cells[1], f"Pelaksana: {lanes}; baku {format_minutes(step.standard_minutes)}", size=7)
        prosedur.paragraph_format.space_after = 0
        cell_text(cells[2], _sentence(step.verdict), size=BODY, align=CENTER)
        cell_text(cells[3], _sentence(step.catatan), size=BODY, align=LEFT)
        if step.waited_on:
            who = ", ".join(f"{user} ({count})" for user, count in step.waited_on)
            para(cells[3], f"Dikerjakan oleh: {who}", size=7)
        middle(*cells)
        keep_row(table, offset)
    return table


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] if text else "-"


def _keep_tail(table: Table, rows: int = 2) -> None:
    """The last rows travel with the conclusion and the signatures: no page holds only a
    signature."""
    for row in table.rows[-rows:]:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


def _signatures(
    doc: DocumentObject, office: OfficeProfile, width: float, *, final: bool, today: date
) -> None:
    place = (
        f"{office.kota}, {long_date(today)}"
        if final
        else f"{office.kota}, ............ {today.year}"
    )
    table = plain_table(doc, 1, 2, (width / 2, width / 2))
    keep_row(table, 0)
    left, right = table.rows[0].cells
    para(left, "", size=10)
    para(left, "", size=10)
    evaluator = Signatory(jabatan="Penilai,", nama="(" + "." * 34 + ")")
    signature(left, evaluator, size=10, space_lines=4)
    signature(right, office.kepala, place_date=place, prefix="Mengetahui,", size=10, space_lines=4)
    for cell in (left, right):
        for paragraph in cell.paragraphs[:-1]:
            paragraph.paragraph_format.keep_with_next = True
