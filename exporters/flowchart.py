"""The SOP flowchart drawn with DrawingML shapes inside the Pelaksana cells of the SOP sheet.

Technique, and why: every symbol and every arrow piece is a `wps:wsp` shape (Word 2010+
"wordprocessingShape": preset geometries flowChartTerminator, flowChartProcess,
flowChartDecision, flowChartOffpageConnector and straightConnector1 with an arrow head) in a
`wp:anchor` with layoutInCell="1" in the first paragraph of the lane cell it belongs to,
positioned from that cell's top-left corner. Nothing crosses a cell border: an arrow from
step 8 to step 9 is a piece in row 8 ending on the row border and a piece in row 9 starting
on it, and a horizontal arrow is one piece per lane cell. So a shape moves with its row
wherever the row lands, LibreOffice (which keeps in-cell objects inside their cell) and
Word (which lays them out in the cell) agree, and no group or canvas has to be placed
relative to a page. For the pieces to meet, the rows have exact heights (computed from the
text they hold) and the lane cells no side padding; the table is split into pages here, not
by the word processor, so the off-page connectors sit where the table really breaks.
A single floating group over the whole table was rejected: it cannot follow rows across a
page break. Each drawing sits in mc:AlternateContent / mc:Choice Requires="wps", the way Word
2010+ writes its own shapes; the VML fallback Word adds for Word 2007 is left out (Fallback is
optional), so Word 2007 shows the table without the drawing instead of refusing the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.sax.saxutils import quoteattr

from docx.oxml import parse_xml

from soptrack.sop.flow import NO, YES, Edge, Flow, Node, Symbol

EMU_PER_CM = 360000
LINE_EMU = 12700  # 1 pt
ARROW_GAP = 0.0
PRESET = {
    Symbol.TERMINATOR: "flowChartTerminator",
    Symbol.PROCESS: "flowChartProcess",
    Symbol.DECISION: "flowChartDecision",
    Symbol.OFF_PAGE: "flowChartOffpageConnector",
}
# how far below/above a row's symbol an off-page connector needs (cm)
CONNECTOR_ROOM = 0.8
OFF_PAGE_SIZE = (0.6, 0.5)
_NS = (
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
)
_Z_LINE, _Z_SYMBOL, _Z_LABEL = 251658240, 251660288, 251662336


def emu(cm: float) -> int:
    return round(cm * EMU_PER_CM)


def symbol_size(symbol: Symbol, lane_width: float) -> tuple[float, float]:
    """Width and height (cm) of a symbol in a lane column of `lane_width` cm."""
    if symbol is Symbol.DECISION:
        return min(lane_width * 0.62, 1.5), 0.9
    if symbol is Symbol.OFF_PAGE:
        return OFF_PAGE_SIZE
    return min(lane_width * 0.74, 2.0), 0.62


def min_row_height(node: Node, lane_width: float) -> float:
    """The symbol and an arrow's length above and below it."""
    return symbol_size(node.symbol, lane_width)[1] + 0.9


@dataclass
class Ids:
    """docPr ids must be unique in the document; the sheet draws several tables."""

    next: int = 1000

    def take(self) -> int:
        self.next += 1
        return self.next


@dataclass
class RowPlan:
    """Where things go in one row: its height, its symbols' centre and the off-page
    connectors it carries (the step number they name)."""

    node: Node
    height: float
    top_connector: int | None = None
    bottom_connector: int | None = None
    pieces: dict[int, list[str]] = field(default_factory=dict)

    @property
    def centre(self) -> float:
        top = CONNECTOR_ROOM if self.top_connector is not None else 0.0
        bottom = CONNECTOR_ROOM if self.bottom_connector is not None else 0.0
        return top + (self.height - top - bottom) / 2


class Drawing:
    """Collects the shape pieces of one flowchart, cell by cell."""

    def __init__(self, flow: Flow, lane_width: float, ids: Ids, lane_ids: tuple[str, ...]):
        self.flow = flow
        self.width = lane_width
        self.ids = ids
        self.lane_ids = lane_ids
        self.rows: dict[int, RowPlan] = {}

    # -- geometry helpers -----------------------------------------------------------------

    def centre_x(self, column: int) -> float:
        return column * self.width + self.width / 2

    def add(self, row: int, column: int, xml: str) -> None:
        self.rows[row].pieces.setdefault(column, []).append(xml)

    def hline(
        self, row: int, y: float, x1: float, x2: float, *, arrow: bool = False, name: str = ""
    ) -> None:
        """A horizontal line across lane cells, one piece per cell; the arrow head (at x2)
        goes on the last piece."""
        if abs(x2 - x1) < 1e-6:
            return
        low, high = min(x1, x2), max(x1, x2)
        last_lane = len(self.lane_ids) - 1
        first = min(int(low // self.width), last_lane)
        last = min(int((high - 1e-9) // self.width), last_lane)
        columns = list(range(first, last + 1))
        if x2 < x1:
            columns.reverse()
        for column in columns:
            left = column * self.width
            a, b = max(low, left), min(high, left + self.width)
            if b - a < 1e-6:
                continue
            start, end = (a, b) if x2 > x1 else (b, a)
            self.add(
                row,
                column,
                self.line(
                    start - left,
                    y,
                    end - left,
                    y,
                    arrow=arrow and column == columns[-1],
                    name=name,
                ),
            )

    def vline(
        self,
        row: int,
        x: float,
        y1: float,
        y2: float,
        *,
        arrow: bool = False,
        name: str = "",
    ) -> None:
        column = min(int(x // self.width), len(self.lane_ids) - 1)
        left = column * self.width
        if abs(y2 - y1) > 1e-6:
            self.add(row, column, self.line(x - left, y1, x - left, y2, arrow=arrow, name=name))

    # -- shapes -------------------------------------------------------------------------------

    def line(self, x1: float, y1: float, x2: float, y2: float, *, arrow: bool, name: str) -> str:
        """A straight connector from (x1, y1) to (x2, y2), cm from the cell's corner; the
        arrow head at the second point. DrawingML draws from the box's top-left to its
        bottom-right, so a line going left or up is flipped."""
        flip = ""
        if x2 < x1:
            flip += ' flipH="1"'
        if y2 < y1:
            flip += ' flipV="1"'
        head = '<a:tailEnd type="triangle" w="med" len="med"/>' if arrow else ""
        body = (
            f'<wps:cNvCnPr/><wps:spPr><a:xfrm{flip}><a:off x="0" y="0"/>'
            f'<a:ext cx="{emu(abs(x2 - x1))}" cy="{emu(abs(y2 - y1))}"/></a:xfrm>'
            '<a:prstGeom prst="straightConnector1"><a:avLst/></a:prstGeom><a:noFill/>'
            f'<a:ln w="{LINE_EMU}"><a:solidFill><a:srgbClr val="000000"/></a:solidFill>'
            f"{head}</a:ln></wps:spPr><wps:bodyPr/>"
        )
        return self._anchor(
            min(x1, x2), min(y1, y2), abs(x2 - x1), abs(y2 - y1), body, name, _Z_LINE
        )

    def symbol(
        self, symbol: Symbol, cx: float, cy: float, *, name: str, descr: str, text: str = ""
    ) -> str:
        w, h = symbol_size(symbol, self.width)
        body = (
            f'<wps:cNvSpPr/><wps:spPr><a:xfrm><a:off x="0" y="0"/>'
            f'<a:ext cx="{emu(w)}" cy="{emu(h)}"/></a:xfrm>'
            f'<a:prstGeom prst="{PRESET[symbol]}"><a:avLst/></a:prstGeom>'
            '<a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill>'
            f'<a:ln w="{LINE_EMU}"><a:solidFill><a:srgbClr val="000000"/></a:solidFill>'
            f"</a:ln></wps:spPr>{_text_box(text, 7, bold=True)}"
            '<wps:bodyPr rot="0" vert="horz" wrap="square" lIns="0" tIns="0" rIns="0" '
            'bIns="0" anchor="ctr" anchorCtr="0"><a:noAutofit/></wps:bodyPr>'
        )
        return self._anchor(cx - w / 2, cy - h / 2, w, h, body, name, _Z_SYMBOL, descr)

    def label(self, text: str, x: float, y: float, *, align: str = "left") -> str:
        """Ya / Tidak beside an arrow: a frameless text box at (x, y) (its top-left)."""
        w, h = 0.8, 0.32
        body = (
            '<wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/>'
            f'<a:ext cx="{emu(w)}" cy="{emu(h)}"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/>'
            f"</a:ln></wps:spPr>{_text_box(text, 6.5, align=align, italic=True)}"
            '<wps:bodyPr rot="0" vert="horz" wrap="none" lIns="0" tIns="0" rIns="0" '
            'bIns="0" anchor="ctr" anchorCtr="0"><a:noAutofit/></wps:bodyPr>'
        )
        left = x if align == "left" else max(0.02, x - w)
        return self._anchor(left, y, w, h, body, f"label {text}", _Z_LABEL, text)

    def _anchor(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        body: str,
        name: str,
        z: int,
        descr: str = "",
    ) -> str:
        shape_id = self.ids.take()
        return (
            f'<w:r {_NS}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
            '<wp:anchor distT="0" distB="0" distL="0" distR="0" '
            f'simplePos="0" relativeHeight="{z + shape_id}" behindDoc="0" locked="0" '
            'layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
            f'<wp:positionH relativeFrom="column"><wp:posOffset>{emu(x)}</wp:posOffset>'
            '</wp:positionH><wp:positionV relativeFrom="paragraph">'
            f"<wp:posOffset>{emu(y)}</wp:posOffset></wp:positionV>"
            f'<wp:extent cx="{emu(w)}" cy="{emu(h)}"/>'
            '<wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
            f'<wp:docPr id="{shape_id}" name={quoteattr(name or f"bentuk {shape_id}")} '
            f"descr={quoteattr(descr)}/><wp:cNvGraphicFramePr/>"
            "<a:graphic><a:graphicData "
            'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
            f"<wps:wsp>{body}</wps:wsp></a:graphicData></a:graphic></wp:anchor>"
            "</w:drawing></mc:Choice></mc:AlternateContent></w:r>"
        )

    # -- the chart ----------------------------------------------------------------------------

    def plan(self, heights: dict[int, float], pages: tuple[tuple[int, ...], ...]) -> None:
        nodes = {node.row: node for node in self.flow.nodes}
        for row, height in heights.items():
            self.rows[row] = RowPlan(nodes[row], height)
        for before, after in zip(pages, pages[1:], strict=False):
            number = nodes[after[0]].step
            self.rows[before[-1]].bottom_connector = number
            self.rows[after[0]].top_connector = number
        for row in sorted(self.rows):
            self._draw_row(self.rows[row])
        for edge in self.flow.edges:
            if edge.back:
                self._draw_back(edge)

    def _draw_row(self, plan: RowPlan) -> None:
        node = plan.node
        cy = plan.centre
        w, h = symbol_size(node.symbol, self.width)
        lanes = ", ".join(self.lane_ids[c] for c in node.columns)
        for column in node.columns:
            self.add(
                node.row,
                column,
                self.symbol(
                    node.symbol,
                    self.width / 2,
                    cy,
                    name=f"simbol langkah {node.step}",
                    descr=f"langkah {node.step}: {node.symbol.value} ({lanes})",
                ),
            )
        if len(node.columns) > 1:
            low, high = node.span
            self.hline(node.row, cy, self.centre_x(low), self.centre_x(high), name="gabung")
        incoming = next((e for e in self.flow.incoming(node.step) if not e.back), None)
        if incoming is not None:
            self._enter(plan, incoming, cy - h / 2)
        outgoing = self.flow.forward(node.step)
        if outgoing is not None:
            self._leave(plan, outgoing, cy, w, h)

    def _enter(self, plan: RowPlan, edge: Edge, symbol_top: float) -> None:
        x = self.centre_x(edge.to_column)
        name = _edge_name(edge)
        top = 0.0
        if plan.top_connector is not None:
            cw, ch = OFF_PAGE_SIZE
            self.add(
                plan.node.row,
                edge.to_column,
                self.symbol(
                    Symbol.OFF_PAGE,
                    self.width / 2,
                    0.12 + ch / 2,
                    name=f"penghubung dari halaman sebelumnya ke langkah {plan.top_connector}",
                    descr=f"penghubung {plan.top_connector}",
                    text=str(plan.top_connector),
                ),
            )
            top = 0.12 + ch
        self.vline(plan.node.row, x, top, symbol_top, arrow=True, name=name)

    def _leave(self, plan: RowPlan, edge: Edge, cy: float, w: float, h: float) -> None:
        row = plan.node.row
        name = _edge_name(edge)
        start = self.centre_x(edge.from_column)
        end = self.centre_x(edge.to_column)
        decision = plan.node.symbol is Symbol.DECISION
        bottom = cy + h / 2
        if plan.bottom_connector is not None:
            cw, ch = OFF_PAGE_SIZE
            connector_top = plan.height - 0.12 - ch
            self.vline(row, start, bottom, connector_top, arrow=True, name=name)
            self.add(
                row,
                edge.from_column,
                self.symbol(
                    Symbol.OFF_PAGE,
                    self.width / 2,
                    connector_top + ch / 2,
                    name=f"penghubung ke halaman berikutnya, langkah {plan.bottom_connector}",
                    descr=f"penghubung {plan.bottom_connector}",
                    text=str(plan.bottom_connector),
                ),
            )
            if decision:
                self.add(row, edge.from_column, self.label(YES, self.width / 2 + 0.08, bottom))
            return
        if edge.from_column == edge.to_column:
            self.vline(row, start, bottom, plan.height, name=name)
            if decision:
                self.add(row, edge.from_column, self.label(YES, self.width / 2 + 0.08, bottom))
            return
        if decision:
            side = 1 if end > start else -1
            vertex = start + side * w / 2
            self.hline(row, cy, vertex, end, name=name)
            self.vline(row, end, cy, plan.height, name=name)
            self.add(
                row,
                edge.from_column,
                self.label(
                    YES,
                    self.width / 2 + side * (w / 2 + 0.04),
                    cy - 0.36,
                    align="left" if side > 0 else "right",
                ),
            )
            return
        elbow = (bottom + plan.height) / 2
        self.vline(row, start, bottom, elbow, name=name)
        self.hline(row, elbow, start, end, name=name)
        self.vline(row, end, elbow, plan.height, name=name)

    def _draw_back(self, edge: Edge) -> None:
        """Tidak: out of the decision's free side, up a channel beside the symbols, into the
        side of the step it returns to."""
        source = self.flow.node(edge.source)
        target = self.flow.node(edge.target)
        if source.row not in self.rows or target.row not in self.rows:
            return
        forward = self.flow.forward(edge.source)
        column = edge.from_column
        w, _ = symbol_size(Symbol.DECISION, self.width)
        if forward is not None and forward.to_column != forward.from_column:
            side = -1 if forward.to_column > forward.from_column else 1
        else:
            side = 1 if edge.to_column > column else -1
        centre = self.centre_x(column)
        vertex = centre + side * w / 2
        channel = centre + side * (self.width / 2 + w / 2) / 2
        name = _edge_name(edge)
        plan = self.rows[source.row]
        self.hline(source.row, plan.centre, vertex, channel, name=name)
        self.vline(source.row, channel, plan.centre, 0.0, name=name)
        self.add(
            source.row,
            column,
            self.label(
                NO,
                self.width / 2 + side * (w / 2 + 0.02),
                plan.centre + 0.04,
                align="left" if side > 0 else "right",
            ),
        )
        for row in range(target.row + 1, source.row):
            self.vline(row, channel, self.rows[row].height, 0.0, name=name)
        goal = self.rows[target.row]
        self.vline(target.row, channel, goal.height, goal.centre, name=name)
        tw, _ = symbol_size(target.symbol, self.width)
        columns = sorted(target.columns, key=lambda c: abs(self.centre_x(c) - channel))
        entry = self.centre_x(columns[0])
        edge_x = entry - tw / 2 if channel < entry else entry + tw / 2
        self.hline(target.row, goal.centre, channel, edge_x, arrow=True, name=name)

    def cells(self, row: int) -> Iterator[tuple[int, list[str]]]:
        yield from sorted(self.rows[row].pieces.items())


def _edge_name(edge: Edge) -> str:
    label = f" {edge.label}" if edge.label else ""
    return f"panah {edge.source}-{edge.target}{label}"


def _text_box(text: str, size: float, *, bold: bool = False, italic: bool = False, align="center"):
    if not text:
        return ""
    props = f'<w:sz w:val="{round(size * 2)}"/>'
    if bold:
        props = "<w:b/>" + props
    if italic:
        props = "<w:i/>" + props
    jc = {"center": "center", "left": "left", "right": "right"}[align]
    return (
        '<wps:txbx><w:txbxContent><w:p><w:pPr><w:spacing w:before="0" w:after="0" '
        f'w:line="240" w:lineRule="auto"/><w:jc w:val="{jc}"/></w:pPr><w:r><w:rPr>{props}'
        f"</w:rPr><w:t>{_escape(text)}</w:t></w:r></w:p></w:txbxContent></wps:txbx>"
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def place(paragraph, pieces: list[str]) -> None:
    """Append the shape runs to a cell's (empty) paragraph."""
    for xml in pieces:
        paragraph._p.append(parse_xml(xml))
