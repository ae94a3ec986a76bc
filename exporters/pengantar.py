"""The surat pengantar that sends the signed Dokumen Pengukuran Kinerja (step 12), laid out
as tata naskah dinas writes it:

- kop (emblem, PEMERINTAH ..., unit, contact lines) with its closing rule;
- on the right: place and date, Kepada Yth. (a long addressee wraps under itself), di -,
  the place; a konsep leaves the date blank ("Luwuk, ............ 2026");
- SURAT PENGANTAR and its Nomor, centred;
- the table No | Naskah Dinas yang dikirimkan | Banyaknya | Keterangan: the document itself,
  then any further rows (lampiran: e.g. a softcopy on a flashdisk);
- the foot as two aligned columns: the receipt on the left (Diterima tanggal, Penerima, room
  to sign, Nama, NIP, Telp.) beside the sender on the right, in the same column as the date
  and addressee; every line of the two sides on one row, so they line up;
- Tembusan at the bottom left.

The foot's rows do not split and keep with each other and with the table's last row, so
the signature never lands alone on a page.
"""

from __future__ import annotations

from datetime import date

from docx.document import Document as DocumentObject
from docx.shared import Cm

from soptrack.exporters.docx_common import (
    CENTER,
    EMU_PER_CM,
    LEFT,
    NOTE,
    SIGNATURE,
    TABLE_HEAD,
    TABLE_TEXT,
    TITLE,
    cell_margins,
    cell_text,
    fill_header,
    grid_table,
    keep_row,
    keep_with_next_row,
    para,
    plain_table,
    text_width,
)
from soptrack.exporters.letterhead import kop, unit_name
from soptrack.exporters.styles import new_document
from soptrack.sop.dates import konsep_date, long_date, terbilang
from soptrack.sop.office import OfficeProfile, SignatureBlock, SignMode
from soptrack.sop.recipient import Recipient
from soptrack.sop.run import Run

COLUMNS = ("No", "Naskah Dinas yang dikirimkan", "Banyaknya", "Keterangan")
SHARES = (0.06, 0.41, 0.2, 0.33)  # of the text width
DOTS = "...................................."
DEFAULT_KETERANGAN = (
    "Disampaikan dengan hormat untuk diketahui dan dipergunakan sebagaimana mestinya."
)
RIGHT_COLUMN = 7.5  # cm: the date, addressee and sender's column, flush with the right margin
YTH = "Yth. "
HANGING = 0.95  # cm: a long addressee wraps under itself, not under "Yth."
SIGN_SPACE = 4  # empty lines to sign in


def document_title(run: Run, office: OfficeProfile) -> str:
    return f"Dokumen Pengukuran Kinerja {unit_name(office)} Tahun {run.year}"


def render(
    run: Run,
    office: OfficeProfile,
    *,
    number: str,
    letter_date: date | None,
    recipient: Recipient,
    paper: str = "A4",
    signer: SignMode | None = None,
    year: int | None = None,
) -> DocumentObject:
    """`letter_date` None leaves the date blank (a konsep) for `year`. `signer` defaults to
    the office's ttd.pengantar."""
    block = office.signature_block(signer or office.sign_mode("pengantar"))
    doc = new_document(paper, office=office)
    width = text_width(doc) / EMU_PER_CM - 0.05
    kop(doc, office)

    when = long_date(letter_date) if letter_date else konsep_date(year or run.year)
    head = plain_table(doc, 1, 2, (width - RIGHT_COLUMN, RIGHT_COLUMN))
    cell_margins(head, 0.0)
    right = head.cell(0, 1)
    para(right, f"{office.kota}, {when}", space_after=12)
    para(right, "Kepada")
    addressee = para(right, f"{YTH}{recipient.kepada or DOTS}")
    addressee.paragraph_format.left_indent = Cm(HANGING)
    addressee.paragraph_format.first_line_indent = Cm(-HANGING)
    para(right, "di -")
    para(right, recipient.tempat or office.kota, indent_cm=HANGING)

    para(doc, "", space_after=12)
    para(doc, "SURAT PENGANTAR", style=TITLE, size=office.font_size, underline=True)
    para(doc, f"Nomor: {number}", align=CENTER, space_after=12, keep_with_next=True)

    _items(doc, run, office, recipient, width)
    para(doc, "", space_after=12, keep_with_next=True)
    _foot(doc, block, width)
    _tembusan(doc, recipient.tembusan)
    return doc


def rows_of(run: Run, office: OfficeProfile, recipient: Recipient) -> list[tuple[str, str, str]]:
    """(naskah, banyaknya, keterangan) of every row: the document first, then the lampiran."""
    copies = max(1, recipient.eksemplar)
    rows = [
        (
            document_title(run, office),
            f"{copies} ({terbilang(copies)}) eksemplar",
            recipient.keterangan or DEFAULT_KETERANGAN,
        )
    ]
    rows += [(a.naskah, a.amount, a.keterangan or "-") for a in recipient.lampiran]
    return rows


def _items(
    doc: DocumentObject, run: Run, office: OfficeProfile, recipient: Recipient, width: float
) -> None:
    rows = rows_of(run, office, recipient)
    widths = tuple(round(width * share, 2) for share in SHARES)
    table = grid_table(doc, len(rows) + 1, len(COLUMNS), widths)
    cell_margins(table, 0.12)
    fill_header(table, COLUMNS, size=None, style=TABLE_HEAD)
    keep_row(table, 0)
    keep_with_next_row(table, 0)
    for index, (naskah, amount, keterangan) in enumerate(rows, start=1):
        cells = table.rows[index].cells
        cell_text(cells[0], f"{index}.", style=TABLE_TEXT, align=CENTER)
        cell_text(cells[1], naskah, style=TABLE_TEXT, align=LEFT)
        cell_text(cells[2], amount, style=TABLE_TEXT, align=CENTER)
        cell_text(cells[3], keterangan, style=TABLE_TEXT, align=LEFT)
        keep_row(table, index)
    keep_with_next_row(table, len(rows))  # the last row travels with the signature


def foot_lines(block: SignatureBlock) -> list[tuple[str, str, str]]:
    """(receipt text, sender text, sender emphasis) per line: the two sides of the foot,
    aligned so the receiver's Nama sits level with the sender's name."""
    sender: list[tuple[str, str]] = [(line, "bold") for line in block.jabatan]
    receipt = ["Diterima tanggal .......................", "Penerima,"]
    while len(receipt) < len(sender):
        receipt.append("")
    while len(sender) < len(receipt):
        sender.append(("", ""))
    receipt += [""] * SIGN_SPACE
    sender += [("", "")] * SIGN_SPACE
    receipt += ["Nama\t: ..........................", "NIP\t: .........................."]
    sender.append((block.nama or DOTS, "name"))
    if block.pangkat:
        sender.append((block.pangkat, ""))
    sender.append((f"NIP. {block.nip}" if block.nip else "NIP. ", ""))
    receipt.append("Telp.\t: ..........................")
    while len(receipt) < len(sender):
        receipt.append("")
    while len(sender) < len(receipt):
        sender.append(("", ""))
    return [(r, s, e) for r, (s, e) in zip(receipt, sender, strict=True)]


def _foot(doc: DocumentObject, block: SignatureBlock, width: float) -> None:
    lines = foot_lines(block)
    table = plain_table(doc, len(lines), 2, (width - RIGHT_COLUMN, RIGHT_COLUMN))
    cell_margins(table, 0.0)
    for index, (receipt, sender, emphasis) in enumerate(lines):
        left, right = table.rows[index].cells
        text = cell_text(left, receipt, style=SIGNATURE, align=LEFT)
        text.paragraph_format.tab_stops.add_tab_stop(Cm(1.3))
        cell_text(
            right,
            sender,
            style=SIGNATURE,
            align=LEFT,
            bold=emphasis in ("bold", "name"),
        )
        if emphasis == "name":
            for run in right.paragraphs[0].runs:
                run.underline = True
        keep_row(table, index)
        keep_with_next_row(table, index)


def _tembusan(doc: DocumentObject, tembusan: tuple[str, ...]) -> None:
    if not tembusan:
        return
    para(doc, "Tembusan:", style=NOTE, space_before=12, keep_with_next=True)
    for index, line in enumerate(tembusan, start=1):
        last = index == len(tembusan)
        paragraph = para(doc, f"{index}. {line}", style=NOTE, keep_with_next=not last)
        paragraph.paragraph_format.left_indent = Cm(0.6)
        paragraph.paragraph_format.first_line_indent = Cm(-0.6)
