"""The SOP sheet in SOP-AP layout (PermenPANRB 35/2012), landscape.

Page 1: the identity table (instansi beside Nomor SOP, dates, Disahkan oleh, Nama SOP) and the
three two-column blocks. Then the flowchart table: No | Kegiatan | one column per Pelaksana
(lane) | Mutu Baku (Kelengkapan, Waktu, Output) | Keterangan, with the flowchart drawn in the
Pelaksana cells (exporters.flowchart: symbols and arrows as shapes anchored in the cells). The
table is split into pages here, so the off-page connectors stand where it really breaks.
"""

from __future__ import annotations

import re
from dataclasses import replace

from docx.document import Document as DocumentObject
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from soptrack.exporters import text_metrics
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
    shade,
    text_width,
)
from soptrack.exporters.flowchart import CONNECTOR_ROOM, Drawing, Ids, min_row_height, place
from soptrack.exporters.styles import new_document
from soptrack.sop.flow import layout, loops, paginate
from soptrack.sop.model import Signatory, Sop, Step
from soptrack.sop.office import OfficeProfile, jabatan_lines

BLOCKS = (
    ("Dasar Hukum", "dasar_hukum", "Kualifikasi Pelaksana", "kualifikasi_pelaksana"),
    ("Keterkaitan", "keterkaitan", "Peralatan/Perlengkapan", "peralatan"),
    ("Peringatan", "peringatan", "Pencatatan dan Pendataan", "pencatatan"),
)
BODY = 9
EMU_PER_CM = 360000


LINE_CM = 0.38  # one line of 9 pt text, single spacing, as LibreOffice and Word set it
CELL_PAD = 0.1  # the flow table's left/right cell padding (cm)
HEAD_ROW = 0.55
SAFETY = 0.6  # room kept free on every page of the flowchart: the legend, rounding
_UNITS = {"menit", "mnt", "jam", "hari"}
_BARE = re.compile(r"\d+(?:[.,]\d+)?")


def signer_of(sop: Sop, office: OfficeProfile) -> Signatory:
    """Who 'Disahkan oleh' names. The office profile is the one place the head's name is
    kept: where its NIP is the SOP's signer's, its name (and pangkat) win over the SOP
    file's spelling; a signer the SOP does not name is the head."""
    signer = sop.identity.disahkan_oleh
    head = office.kepala
    if not (signer.nama or signer.nip):
        return head
    if head.nama and _digits(head.nip) and _digits(head.nip) == _digits(signer.nip):
        return replace(signer, nama=head.nama, pangkat=head.pangkat or signer.pangkat)
    return signer


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")


def waktu_text(step: Step, minutes_per_day: int = 510) -> str:
    """The Waktu column as written, with its unit always printed and units in lower case
    ("15 Menit" -> "15 menit"; a bare "120" in an SOP whose column says minutes ->
    "120 menit"). The unit of a bare number is the one that gives the step's minutes."""
    text = " ".join(step.waktu.split())
    if _BARE.fullmatch(text):
        value = float(text.replace(",", "."))
        for unit, size in (("menit", 1), ("jam", 60), ("hari", minutes_per_day)):
            if abs(value * size - step.minutes) < 0.5:
                return f"{text} {unit}"
        return f"{text} menit"
    return re.sub(r"[A-Za-z]+", lambda m: m[0].lower() if m[0].lower() in _UNITS else m[0], text)


def render(sop: Sop, office: OfficeProfile, *, paper: str = "A4") -> DocumentObject:
    doc = new_document(paper, landscape=True, margins=Margins(1.5, 1.5, 1.5, 2.0), office=office)
    width = text_width(doc) / EMU_PER_CM - 0.1
    _identity(doc, sop, office, width)
    para(doc, "", space_after=6)
    _blocks(doc, sop, width)
    _flow(doc, sop, width)
    page_numbers(doc)
    return doc


def _identity(doc: DocumentObject, sop: Sop, office: OfficeProfile, width: float) -> None:
    ident = sop.identity
    signer = signer_of(sop, office)
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
            jabatan = signer.jabatan or office.kepala.jabatan
            cell_text(cell, "\n".join(jabatan_lines(jabatan)), bold=True, size=10, align=CENTER)
            for _ in range(3):
                para(cell, "", size=10)
            para(
                cell,
                signer.nama or "....................",
                bold=True,
                underline=True,
                size=10,
                align=CENTER,
            )
            if signer.pangkat:
                para(cell, signer.pangkat, size=10, align=CENTER)
            nip = signer.nip
            para(cell, f"NIP. {nip}" if nip else "NIP.", size=10, align=CENTER)
            middle(cell)
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
    fixed = {"no": 1.0, "kelengkapan": 2.6, "waktu": 1.8, "output": 2.6, "keterangan": 2.4}
    room = width - sum(fixed.values())
    lane = max(1.3, min(2.6, (room - 5.5) / max(lanes, 1)))
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


def lane_head_size(sop: Sop, lane_width: float) -> float:
    """The largest size (9 pt down to 6) at which every word of every lane name fits its
    column, so a name like "Bendahara" is never broken inside the word."""
    words = [word for lane in sop.lanes for word in lane.name.split()]
    room = lane_width - 2 * CELL_PAD
    for size in (9, 8, 7.5, 7, 6.5, 6):
        if all(text_metrics.width_cm(word, size, bold=True) <= room for word in words):
            return size
    return 6


def text_lines(text: str, width_cm: float, size: float = BODY, *, bold: bool = False) -> int:
    """Lines `text` wraps to in a flow-table cell `width_cm` wide (Arial metrics), so an exact
    row height never clips its text."""
    return text_metrics.lines(text, width_cm - 2 * CELL_PAD, size, bold=bold)


def _row_height(sop: Sop, step: Step, widths: tuple[float, ...], lanes: int) -> float:
    texts = [
        (step.kegiatan, widths[1]),
        (step.kelengkapan, widths[2 + lanes]),
        (waktu_text(step, sop.minutes_per_day), widths[3 + lanes]),
        (step.output, widths[4 + lanes]),
        (step.keterangan, widths[5 + lanes]),
    ]
    lines = max(text_lines(text, width) for text, width in texts)
    return lines * LINE_CM + 0.2


def _flow(doc: DocumentObject, sop: Sop, width: float) -> None:
    title = para(doc, sop.title, bold=True, size=11, align=CENTER, space_after=6)
    title.paragraph_format.page_break_before = True
    title.paragraph_format.keep_with_next = True
    flow = layout(sop)
    n = len(sop.lanes)
    widths = flow_widths(n, width)
    lane_width = widths[2]
    head_size = lane_head_size(sop, lane_width)
    heads = (
        HEAD_ROW,
        max(text_lines(lane.name, lane_width, head_size, bold=True) for lane in sop.lanes)
        * head_size
        * 0.0406
        + 0.2,
    )
    heights = [
        max(_row_height(sop, step, widths, n), min_row_height(node, lane_width))
        for step, node in zip(sop.steps, flow.nodes, strict=True)
    ]
    section = doc.sections[-1]
    height = (section.page_height or 0) - (section.top_margin or 0) - (section.bottom_margin or 0)
    page = height / 360000
    room = page - sum(heads) - SAFETY
    pages = paginate(heights, room - 0.75, room - 0.1, CONNECTOR_ROOM, loops(flow))
    drawing = Drawing(flow, lane_width, _ids(doc), tuple(lane.id for lane in sop.lanes))
    final = {}
    for chunk in pages:
        for row in chunk.rows:
            extra = (CONNECTOR_ROOM if row == chunk.first and chunk is not pages[0] else 0.0) + (
                CONNECTOR_ROOM if row == chunk.last and chunk is not pages[-1] else 0.0
            )
            final[row] = heights[row] + extra
    drawing.plan(final, tuple(chunk.rows for chunk in pages))
    for index, chunk in enumerate(pages):
        if index:
            gap = para(doc, "", size=1)
            gap.paragraph_format.page_break_before = True
        _flow_table(doc, sop, widths, heads, chunk.rows, final, drawing)
    para(
        doc,
        "Simbol: kapsul = mulai/selesai; persegi panjang = proses; belah ketupat = keputusan "
        "(Ya: lanjut, Tidak: kembali ke langkah yang ditunjuk panah); segi lima = penghubung "
        "ke/dari halaman lain, berisi nomor langkah lanjutan.",
        size=8,
        italic=True,
        space_before=4,
    )


def _ids(doc: DocumentObject) -> Ids:
    """Shape ids after any the document already holds (the KONSEP watermark is VML)."""
    return Ids(1000)


def _flow_table(
    doc: DocumentObject,
    sop: Sop,
    widths: tuple[float, ...],
    heads: tuple[float, float],
    rows: tuple[int, ...],
    heights: dict[int, float],
    drawing: Drawing,
) -> None:
    lanes = sop.lanes
    n = len(lanes)
    cols = 2 + n + 4
    table = grid_table(doc, 2 + len(rows), cols, widths)
    cell_margins(table, CELL_PAD)
    labels = [*(lane.name for lane in lanes), "Kelengkapan", "Waktu", "Output"]
    for offset, label in enumerate(labels):
        size = 9 if offset >= n else lane_head_size(sop, widths[2])
        cell_text(table.cell(1, 2 + offset), label, bold=True, size=size, align=CENTER)
    for col, label in ((0, "No"), (1, "Kegiatan"), (cols - 1, "Keterangan")):
        merged = table.cell(0, col).merge(table.cell(1, col))
        cell_text(merged, label, bold=True, size=9, align=CENTER)
    lanes_head = table.cell(0, 2).merge(table.cell(0, 1 + n))
    cell_text(lanes_head, "Pelaksana", bold=True, size=10, align=CENTER)
    mutu = table.cell(0, 2 + n).merge(table.cell(0, 4 + n))
    cell_text(mutu, "Mutu Baku", bold=True, size=10, align=CENTER)
    for index, row in enumerate(table.rows[:2]):
        for cell in row.cells:
            shade(cell, "D9D9D9")
            middle(cell)
        header_row(table, index)
        _exact_height(row, heads[index])
    for offset, row_index in enumerate(rows, start=2):
        step = sop.steps[row_index]
        row = table.rows[offset]
        cells = row.cells
        cell_text(cells[0], str(step.number), size=BODY, align=CENTER)
        cell_text(cells[1], step.kegiatan, size=BODY, align=LEFT)
        for lane_offset in range(n):
            cell = cells[2 + lane_offset]
            _flush(cell)
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.line_spacing = Pt(1)
            place(paragraph, dict(drawing.cells(row_index)).get(lane_offset, []))
        cell_text(cells[2 + n], step.kelengkapan, size=BODY)
        cell_text(cells[3 + n], waktu_text(step, sop.minutes_per_day), size=BODY, align=CENTER)
        cell_text(cells[4 + n], step.output, size=BODY)
        cell_text(cells[5 + n], step.keterangan, size=BODY)
        middle(cells[0], cells[1], cells[2 + n], cells[3 + n], cells[4 + n], cells[5 + n])
        keep_row(table, offset)
        _exact_height(row, heights[row_index])


def _flush(cell) -> None:
    """A lane cell: no padding, content from the top, so a shape's offset is from the
    cell's corner in both Word and LibreOffice."""
    tc_pr = cell._tc.get_or_add_tcPr()
    margins = OxmlElement("w:tcMar")
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), "0")
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    tc_pr.append(margins)  # before vAlign, as the schema orders them (Word checks)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP


def _exact_height(row, height_cm: float) -> None:
    row.height = Cm(height_cm)
    tr_pr = row._tr.get_or_add_trPr()
    for element in tr_pr.findall(qn("w:trHeight")):
        element.set(qn("w:hRule"), "exact")
