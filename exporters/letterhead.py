"""What every letter and document of the office carries: the kop (emblem, names, contact
lines, closing rule), the signature block and the KONSEP mark."""

from __future__ import annotations

import io

from docx.document import Document as DocumentObject
from docx.oxml import parse_xml
from docx.shared import Cm
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from soptrack.exporters.docx_common import (
    CENTER,
    EMU_PER_CM,
    KOP_STYLE,
    LEFT,
    RED,
    RIGHT,
    SIGNATURE,
    bottom_rule,
    box,
    cell_margins,
    middle,
    para,
    plain_table,
    style_run,
    text_width,
)
from soptrack.sop.model import Signatory
from soptrack.sop.office import OfficeProfile, SignatureBlock, decode_logo, jabatan_lines

# -- kop, signature, KONSEP -----------------------------------------------------------------


def kop_lines(office: OfficeProfile, chars: int = 90) -> list[str]:
    """The contact lines under the unit's name, only what the office has set (address,
    telephone, kode pos, email, website), packed into lines of about `chars` characters so
    no line wraps on its own."""
    parts = [office.alamat] if office.alamat else []
    if office.telepon:
        parts.append(f"Telp. {office.telepon}")
    if office.kode_pos:
        parts.append(f"Kode Pos {office.kode_pos}")
    web = []
    if office.email:
        web.append(f"Email: {office.email}")
    if office.website:
        web.append(f"Laman: {office.website}")
    lines: list[str] = []
    for group in (parts, web):
        line = ""
        for part in group:
            joined = f"{line}, {part}" if line else part
            if line and len(joined) > chars:
                lines.append(line)
                line = part
            else:
                line = joined
        if line:
            lines.append(line)
    return lines or [office.kota.upper()]


LOGO_CM = 2.3


def kop(doc: DocumentObject, office: OfficeProfile) -> None:
    """The letterhead: the emblem on the left when set, PEMERINTAH ..., the unit, the contact
    lines, then the double closing rule across the page."""
    width = text_width(doc) / EMU_PER_CM
    side = LOGO_CM + 0.3 if office.logo else 0.0
    # 10 pt Arial averages about 0.17 cm a character (a little more than it takes)
    lines = kop_lines(office, chars=int((width - 2 * side) / 0.17))
    container: DocumentObject | _Cell
    if office.logo:
        # logo | centred text | a spacer as wide as the logo, so the text is centred on the page
        table = plain_table(doc, 1, 3, (side, width - 2 * side, side))
        cell_margins(table, 0.0)
        picture = table.cell(0, 0).paragraphs[0]
        picture.alignment = LEFT
        picture.add_run().add_picture(io.BytesIO(decode_logo(office.logo)), height=Cm(LOGO_CM))
        middle(table.cell(0, 0), table.cell(0, 1))
        container = table.cell(0, 1)
    else:
        container = doc
    para(container, office.pemerintah.upper(), style=KOP_STYLE, size=14)
    para(container, office.unit.upper(), style=KOP_STYLE, size=16)
    for line in lines:
        para(container, line, style=KOP_STYLE, size=10).runs[0].bold = False
    rule = para(doc, "", size=4)
    bottom_rule(rule)
    para(doc, "", size=6)


def signature(
    container,
    signer: Signatory | SignatureBlock,
    *,
    place_date: str = "",
    prefix: str = "",
    space_lines: int = 4,
    size: float | None = None,
    align=CENTER,
    indent_cm: float | None = None,
) -> Paragraph:
    """'Tempat, tanggal' / jabatan lines / (space to sign) / nama / pangkat / NIP, in the
    Tanda Tangan style. Every line keeps with the next, so the block never splits and pulls
    the paragraph (or table row) before it along; returns the last paragraph.

    A Signatory's jabatan breaks at ' / ' as the office writes it; a SignatureBlock (a.n.,
    Plt., Plh.) brings its lines ready."""
    if isinstance(signer, Signatory):
        block = SignatureBlock(
            tuple(jabatan_lines(signer.jabatan)), signer.nama, signer.pangkat, signer.nip
        )
    else:
        block = signer

    def line(text: str, **style) -> Paragraph:
        paragraph = para(
            container,
            text,
            style=SIGNATURE,
            align=align,
            size=size,
            indent_cm=indent_cm,
            keep_with_next=True,
            **style,
        )
        return paragraph

    if place_date:
        line(place_date)
    if prefix:
        line(prefix)
    for text in block.jabatan or ("",):
        line(text, bold=True)
    for _ in range(space_lines):
        line("")
    line(block.nama or "....................", bold=True, underline=True)
    if block.pangkat:
        line(block.pangkat)
    last = line(f"NIP. {block.nip}" if block.nip else "NIP. ")
    last.paragraph_format.keep_with_next = False
    return last


KONSEP = "KONSEP"

_WATERMARK = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">'
    '<w:pict><v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
    'path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas>'
    '<v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/>'
    '<v:f eqn="sum 0 0 @2"/><v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/>'
    '<v:f eqn="if @0 21600 @1"/><v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/>'
    '<v:f eqn="mid @5 @6"/><v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/>'
    '<v:f eqn="mid @6 @7"/><v:f eqn="sum @6 0 @5"/></v:formulas>'
    '<v:path textpathok="t" o:connecttype="custom" '
    'o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" o:connectangles="270,180,90,0"/>'
    '<v:textpath on="t" fitshape="t"/><v:handles><v:h position="#0,bottomRight" '
    'xrange="6629,14971"/></v:handles><o:lock v:ext="edit" text="t" shapetype="t"/>'
    '</v:shapetype><v:shape id="KonsepWatermark" o:spid="_x0000_s2049" type="#_x0000_t136" '
    'style="position:absolute;margin-left:0;margin-top:0;width:440pt;height:140pt;'
    "rotation:315;z-index:-251657216;mso-position-horizontal:center;"
    "mso-position-horizontal-relative:margin;mso-position-vertical:center;"
    'mso-position-vertical-relative:margin" o:allowincell="f" fillcolor="#d9d9d9" '
    'stroked="f"><v:fill opacity=".5"/><v:textpath style="font-family:&quot;Arial&quot;;'
    'font-size:1pt;font-weight:bold" string="{text}"/></v:shape></w:pict></w:r>'
)


def konsep_mark(doc: DocumentObject, reason: str) -> None:
    """Mark a draft: a diagonal KONSEP watermark on every page, a red KONSEP in the header
    and a boxed line at the top of the body saying why."""
    for section in doc.sections:
        header = section.header
        paragraph = header.paragraphs[0]
        paragraph.alignment = RIGHT
        style_run(paragraph.add_run(KONSEP), bold=True, size=12, color=RED)
        paragraph._p.append(parse_xml(_WATERMARK.replace("{text}", KONSEP)))
    body = doc.element.body
    note = para(
        doc, f"{KONSEP} – {reason}", bold=True, size=10, align=CENTER, color=RED, space_after=6
    )
    box(note)
    body.remove(note._p)
    body.insert(0, note._p)


def unit_name(office: OfficeProfile) -> str:
    """'Dinas Sosial Kabupaten Banggai' from the unit and the pemerintah."""
    region = office.pemerintah.strip()
    if region.upper().startswith("PEMERINTAH "):
        region = region[len("PEMERINTAH ") :]
    return " ".join(part for part in (_title(office.unit), _title(region)) if part)


def _title(text: str) -> str:
    small = {"dan", "di", "ke", "dari", "pada", "untuk"}
    words = text.split()
    return " ".join(
        w.lower()
        if i and w.lower() in small
        else (w if w.isupper() and len(w) <= 5 and w not in ("DINAS", "KOTA") else w.capitalize())
        for i, w in enumerate(words)
    )
