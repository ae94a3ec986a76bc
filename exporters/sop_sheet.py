"""The SOP sheet in SOP-AP layout (PermenPANRB 35/2012), landscape.

Page 1: the identity table (instansi beside Nomor SOP, dates, Disahkan oleh, Nama SOP) and the
three two-column blocks. Then the flowchart table: No | Kegiatan | one column per Pelaksana
(lane) | Mutu Baku (Kelengkapan, Waktu, Output) | Keterangan. Each step is marked in its
lane(s) with a text symbol on a shaded cell: ( Mulai ) / ( Selesai ) for terminators, ▭ for a
process, ◇ for a decision with the step a "tidak" answer returns to.
"""

from __future__ import annotations

from docx.document import Document as DocumentObject

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
    new_document,
    page_break,
    page_numbers,
    para,
    shade,
    text_width,
)
from soptrack.sop.model import Sop, Step
from soptrack.sop.office import OfficeProfile

PROCESS_MARK = "▭"
DECISION_MARK = "◇"
START_MARK = "(Mulai)"
END_MARK = "(Selesai)"
LANE_FILL = "E7E6E6"
BLOCKS = (
    ("Dasar Hukum", "dasar_hukum", "Kualifikasi Pelaksana", "kualifikasi_pelaksana"),
    ("Keterkaitan", "keterkaitan", "Peralatan/Perlengkapan", "peralatan"),
    ("Peringatan", "peringatan", "Pencatatan dan Pendataan", "pencatatan"),
)
BODY = 9
EMU_PER_CM = 360000


def lane_mark(sop: Sop, step: Step) -> str:
    """The symbol a step is drawn with in its lane(s)."""
    if step.terminator:
        return START_MARK if step.number == sop.steps[0].number else END_MARK
    if step.is_decision:
        back = f"\ntidak → {step.return_to}" if step.return_to else ""
        return f"{DECISION_MARK} ya/tidak{back}"
    return PROCESS_MARK


def render(sop: Sop, office: OfficeProfile, *, paper: str = "A4") -> DocumentObject:
    doc = new_document(paper, landscape=True, margins=Margins(1.5, 1.5, 1.5, 2.0))
    width = text_width(doc) / EMU_PER_CM - 0.1
    _identity(doc, sop, office, width)
    para(doc, "", space_after=6)
    _blocks(doc, sop, width)
    page_break(doc)
    _flow(doc, sop, width)
    page_numbers(doc)
    return doc


def _identity(doc: DocumentObject, sop: Sop, office: OfficeProfile, width: float) -> None:
    ident = sop.identity
    signer = ident.disahkan_oleh
    rows = [
        ("Nomor SOP", ident.nomor),
        ("Tanggal Pembuatan", ident.tanggal_pembuatan),
        ("Tanggal Revisi", ident.tanggal_revisi),
        ("Tanggal Efektif", ident.tanggal_efektif),
        ("Disahkan oleh", None),
        ("Nama SOP", ident.judul or sop.name),
    ]
    left = round(width * 0.42, 2)
    label = 4.5
    table = grid_table(doc, len(rows), 3, (left, label, width - left - label))
    brand = table.cell(0, 0).merge(table.cell(len(rows) - 1, 0))
    cell_text(
        brand, (ident.pemerintah or office.pemerintah).upper(), bold=True, size=12, align=CENTER
    )
    para(brand, (ident.unit or office.unit).upper(), bold=True, size=13, align=CENTER)
    para(brand, "", size=6)
    para(brand, sop.title, bold=True, size=10, align=CENTER)
    middle(brand)
    for index, (name, value) in enumerate(rows):
        cells = table.rows[index].cells
        cell_text(cells[1], name, bold=True, size=10)
        middle(cells[1])
        if value is None:
            cell = cells[2]
            cell_text(
                cell, signer.jabatan or office.kepala.jabatan, bold=True, size=10, align=CENTER
            )
            for _ in range(3):
                para(cell, "", size=10)
            para(
                cell,
                signer.nama or office.kepala.nama,
                bold=True,
                underline=True,
                size=10,
                align=CENTER,
            )
            if signer.pangkat:
                para(cell, signer.pangkat, size=10, align=CENTER)
            nip = signer.nip or office.kepala.nip
            para(cell, f"NIP. {nip}" if nip else "NIP.", size=10, align=CENTER)
        else:
            cell_text(cells[2], value or "-", size=10, bold=name == "Nama SOP")
            middle(cells[2])


def _numbered(cell, items: tuple[str, ...]) -> None:
    if not items:
        cell_text(cell, "-", size=BODY)
        return
    for number, item in enumerate(items, start=1):
        paragraph = para(cell, f"{number}. {item}", size=BODY, align=LEFT)
        fmt = paragraph.paragraph_format
        from docx.shared import Cm

        fmt.left_indent = Cm(0.5)
        fmt.first_line_indent = Cm(-0.5)


def _blocks(doc: DocumentObject, sop: Sop, width: float) -> None:
    half = width / 2
    table = grid_table(doc, len(BLOCKS) * 2, 2, (half, half))
    for index, (left_label, left_attr, right_label, right_attr) in enumerate(BLOCKS):
        fill_header(table, (f"{left_label}:", f"{right_label}:"), row=index * 2, size=10)
        for cell in table.rows[index * 2].cells:
            cell.paragraphs[0].alignment = LEFT
        cells = table.rows[index * 2 + 1].cells
        _numbered(cells[0], getattr(sop, left_attr))
        _numbered(cells[1], getattr(sop, right_attr))


def flow_widths(lanes: int, width: float) -> tuple[float, ...]:
    fixed = {"no": 1.0, "kelengkapan": 2.6, "waktu": 1.5, "output": 2.6, "keterangan": 2.4}
    room = width - sum(fixed.values())
    lane = max(1.6, min(2.6, (room - 5.5) / max(lanes, 1)))
    kegiatan = room - lane * lanes
    return (
        fixed["no"],
        kegiatan,
        *([lane] * lanes),
        fixed["kelengkapan"],
        fixed["waktu"],
        fixed["output"],
        fixed["keterangan"],
    )


def _flow(doc: DocumentObject, sop: Sop, width: float) -> None:
    para(doc, sop.title, bold=True, size=11, align=CENTER, space_after=6)
    lanes = sop.lanes
    n = len(lanes)
    cols = 2 + n + 4
    table = grid_table(doc, 2 + len(sop.steps), cols, flow_widths(n, width))
    cell_margins(table, 0.1)
    labels = [*(lane.name for lane in lanes), "Kelengkapan", "Waktu", "Output"]
    for offset, label in enumerate(labels):
        size = 9 if n <= 4 or offset >= n else 8
        cell_text(table.cell(1, 2 + offset), label, bold=True, size=size, align=CENTER)
    for col, label in ((0, "No"), (1, "Kegiatan"), (cols - 1, "Keterangan")):
        merged = table.cell(0, col).merge(table.cell(1, col))
        cell_text(merged, label, bold=True, size=9, align=CENTER)
    lanes_head = table.cell(0, 2).merge(table.cell(0, 1 + n))
    cell_text(lanes_head, "Pelaksana", bold=True, size=10, align=CENTER)
    mutu = table.cell(0, 2 + n).merge(table.cell(0, 4 + n))
    cell_text(mutu, "Mutu Baku", bold=True, size=10, align=CENTER)
    for row in table.rows[:2]:
        for cell in row.cells:
            shade(cell, "D9D9D9")
            middle(cell)
    header_row(table, 0)
    header_row(table, 1)
    for row_index, step in enumerate(sop.steps, start=2):
        cells = table.rows[row_index].cells
        cell_text(cells[0], str(step.number), size=BODY, align=CENTER)
        cell_text(cells[1], step.kegiatan, size=BODY, align=LEFT)
        mark = lane_mark(sop, step)
        for offset, lane in enumerate(lanes):
            cell = cells[2 + offset]
            if lane.id in step.lanes:
                size = 16 if mark == PROCESS_MARK else 9
                cell_text(cell, mark, bold=True, size=size, align=CENTER)
                shade(cell, LANE_FILL)
            middle(cell)
        cell_text(cells[2 + n], step.kelengkapan, size=BODY)
        cell_text(cells[3 + n], step.waktu, size=BODY, align=CENTER)
        cell_text(cells[4 + n], step.output, size=BODY)
        cell_text(cells[5 + n], step.keterangan, size=BODY)
        middle(cells[0], cells[3 + n])
        keep_row(table, row_index)
    para(
        doc,
        f"Simbol: {START_MARK} / {END_MARK} = terminator (mulai/selesai); {PROCESS_MARK} = "
        f"proses; {DECISION_MARK} = keputusan (ya/tidak; 'tidak → N' kembali ke langkah N); "
        "sel berarsir = pelaksana langkah itu.",
        size=8,
        italic=True,
        space_before=4,
    )
