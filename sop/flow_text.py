"""The SOP flowchart drawn with box-drawing characters, for terminals.

Plain text and style spans, no rich or Textual: `soptrack sop show ID --flow` prints the lines,
the TUI's flow view colours the spans. The picture follows sop.flow, the layout the SOP sheet
is drawn from: one column per Pelaksana lane, a symbol per step in each of its lanes, arrows
down a lane or as an elbow across lanes, the decision's "Ya" onward and "Tidak" back.

    ╭─────╮         terminator (first and last step)
    │  1  ├──┐      process: ┌─────┐, decision: ╱─────╲ / ❮  9  ❯ / ╲─────╱
    ╰─────╯  │      the arrow head ▼ sits in the border of the symbol it enters

Each step takes four lines (symbol, then the connector line), so the drawing is as tall as
the SOP is long and scrolls; lanes share the width left of the step labels.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from soptrack.sop.flow import NO, YES, Flow, Node, Symbol

HEADER_LINES = 2
LINES_PER_STEP = 4
MIN_LANE = 9
WANT_LANE = 12  # what a lane gets before the labels take the rest
MAX_LANE = 18
MIN_LABEL = 14
MAX_LABEL = 34

_BOX = {
    Symbol.TERMINATOR: ("╭", "─", "╮", "│", "│", "╰", "─", "╯"),
    Symbol.PROCESS: ("┌", "─", "┐", "│", "│", "└", "─", "┘"),
    Symbol.DECISION: ("╱", "─", "╲", "❮", "❯", "╲", "─", "╱"),
}
_CURRENT_BOX = ("┏", "━", "┓", "┃", "┃", "┗", "━", "┛")


@dataclass(frozen=True)
class StepMark:
    """How a run's step is shown: a glyph in its symbol, words beside its label (the state
    written out, so colour is never the only sign) and a style key for the colours."""

    glyph: str = ""
    words: str = ""
    style: str = ""
    current: bool = False


@dataclass(frozen=True)
class Span:
    line: int
    start: int
    end: int
    style: str


@dataclass(frozen=True)
class FlowText:
    lines: tuple[str, ...]
    spans: tuple[Span, ...]
    step_lines: Mapping[int, int] = field(default_factory=dict)

    @property
    def width(self) -> int:
        return max((len(line) for line in self.lines), default=0)

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.lines)


class _Canvas:
    def __init__(self, width: int, height: int) -> None:
        self.grid = [[" "] * width for _ in range(height)]
        self.spans: list[Span] = []

    def put(self, x: int, y: int, char: str, *, over: bool = True) -> None:
        if 0 <= y < len(self.grid) and 0 <= x < len(self.grid[y]):
            here = self.grid[y][x]
            if here == " " or over:
                self.grid[y][x] = _cross(here, char)

    def write(self, x: int, y: int, text: str, style: str = "") -> None:
        for offset, char in enumerate(text):
            self.put(x + offset, y, char)
        if style and text:
            self.spans.append(Span(y, x, x + len(text), style))

    def blank(self, x: int, y: int, length: int) -> bool:
        row = self.grid[y] if 0 <= y < len(self.grid) else []
        return all(0 <= x + i < len(row) and row[x + i] == " " for i in range(length))

    def lines(self) -> tuple[str, ...]:
        return tuple("".join(row).rstrip() for row in self.grid)


def _cross(here: str, new: str) -> str:
    """A vertical line drawn over a horizontal one (or the other way) becomes a crossing."""
    if {here, new} == {"│", "─"}:
        return "┼"
    return new


def draw(
    flow: Flow,
    labels: Mapping[int, str],
    width: int = 100,
    marks: Mapping[int, StepMark] | None = None,
) -> FlowText:
    """Draw `flow` within about `width` columns (wider when the lanes need it: the caller
    scrolls). `labels` names each step; `marks` (optional) gives a run's state per step."""
    marks = marks or {}
    lanes = max(1, len(flow.lanes))
    label_width = max(MIN_LABEL, min(MAX_LABEL, width - 1 - lanes * WANT_LANE))
    lane_width = max(MIN_LANE, min(MAX_LANE, (width - label_width - 1) // lanes))
    base = label_width + 1
    total = base + lanes * lane_width
    height = HEADER_LINES + LINES_PER_STEP * len(flow.nodes)
    canvas = _Canvas(total + 1, height)
    geometry = _Geometry(base, lane_width)

    canvas.write(0, 0, _fit("Langkah", label_width), "header")
    for column, name in enumerate(flow.lanes):
        text = _fit(name, lane_width - 1)
        left = base + column * lane_width + (lane_width - len(text)) // 2
        canvas.write(left, 0, text, "header")
    canvas.write(0, 1, "─" * total, "rule")

    step_lines: dict[int, int] = {}
    for node in flow.nodes:
        top = HEADER_LINES + node.row * LINES_PER_STEP
        step_lines[node.step] = top
        mark = marks.get(node.step, StepMark())
        _label(canvas, node, labels.get(node.step, ""), mark, label_width, top)
        for column in node.columns:
            _symbol(canvas, geometry, node, column, top, mark)
        if len(node.columns) > 1:
            _join(canvas, geometry, node, top, mark.style)
    for edge in flow.edges:
        source = flow.node(edge.source)
        target = flow.node(edge.target)
        if edge.back:
            _back(canvas, geometry, flow, source, target, edge.to_column)
        else:
            _forward(canvas, geometry, source, edge.from_column, edge.to_column)
    return FlowText(canvas.lines(), tuple(canvas.spans), step_lines)


@dataclass(frozen=True)
class _Geometry:
    base: int
    lane_width: int

    @property
    def box(self) -> int:
        """Symbol width: odd, so the arrow sits in the middle."""
        width = min(self.lane_width - 2, 9)
        return width if width % 2 else width - 1

    def centre(self, column: int) -> int:
        return self.base + column * self.lane_width + self.lane_width // 2

    def left(self, column: int) -> int:
        return self.centre(column) - self.box // 2

    def right(self, column: int) -> int:
        return self.centre(column) + self.box // 2


def _fit(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def _label(canvas: _Canvas, node: Node, label: str, mark: StepMark, width: int, top: int):
    canvas.write(0, top + 1, _fit(f"{node.step:>2}. {label}", width), mark.style or "label")
    if mark.words:
        canvas.write(3, top + 2, _fit(mark.words, width - 3), mark.style or "label")


def _symbol(canvas: _Canvas, g: _Geometry, node: Node, column: int, top: int, mark: StepMark):
    chars = _BOX[node.symbol]
    if mark.current:
        chars = (*_CURRENT_BOX[:3], chars[3], chars[4], *_CURRENT_BOX[5:])
        if node.symbol is not Symbol.DECISION:
            chars = _CURRENT_BOX
    tl, h, tr, lft, rgt, bl, bh, br = chars
    left, right = g.left(column), g.right(column)
    inner = right - left - 1
    style = mark.style or "symbol"
    canvas.write(left, top, tl + h * inner + tr, style)
    text = f"{mark.glyph}{node.step}" if mark.glyph else str(node.step)
    canvas.write(left, top + 1, lft + text.center(inner)[:inner] + rgt, style)
    canvas.write(left, top + 2, bl + bh * inner + br, style)


def _join(canvas: _Canvas, g: _Geometry, node: Node, top: int, style: str) -> None:
    """A step done by several lanes: its symbols joined on their middle line."""
    columns = sorted(node.columns)
    for a, b in zip(columns, columns[1:], strict=False):
        start, end = g.right(a) + 1, g.left(b)
        canvas.write(start, top + 1, "─" * (end - start), style or "edge")


def _forward(canvas: _Canvas, g: _Geometry, node: Node, a: int, b: int) -> None:
    top = HEADER_LINES + node.row * LINES_PER_STEP
    below = top + LINES_PER_STEP
    if node.symbol is Symbol.DECISION and a != b:
        side = 1 if b > a else -1
        start = g.right(a) + 1 if side > 0 else g.left(a) - 1
        end = g.centre(b)
        low, high = sorted((start, end))
        canvas.write(low, top + 1, "─" * (high - low + 1), "edge")
        canvas.put(end, top + 1, "┐" if side > 0 else "┌")
        canvas.write(start if side > 0 else start - 1, top + 1, YES, "label-yes")
        for y in (top + 2, top + 3):
            canvas.put(end, y, "│")
    else:
        canvas.put(g.centre(a), top + 2, "┬")
        if a == b:
            canvas.put(g.centre(a), top + 3, "│")
        else:
            side = 1 if b > a else -1
            low, high = sorted((g.centre(a), g.centre(b)))
            canvas.write(low, top + 3, "─" * (high - low + 1), "edge")
            canvas.put(g.centre(a), top + 3, "└" if side > 0 else "┘")
            canvas.put(g.centre(b), top + 3, "┐" if side > 0 else "┌")
        if node.symbol is Symbol.DECISION:
            canvas.write(g.centre(a) + 1, top + 3, YES, "label-yes")
    canvas.put(g.centre(b), below, "▼")


def _back(
    canvas: _Canvas, g: _Geometry, flow: Flow, source: Node, target: Node, to_column: int
) -> None:
    """Tidak: out of the decision's free side, up a channel beside the symbols, into the side
    of the step it returns to."""
    column = source.columns[0]
    forward = flow.forward(source.step)
    if forward is not None and forward.to_column != forward.from_column:
        side = -1 if forward.to_column > forward.from_column else 1
    else:
        side = 1 if to_column > column else -1
    vertex = g.left(column) if side < 0 else g.right(column)
    channel = vertex + 2 * side
    low_y = HEADER_LINES + source.row * LINES_PER_STEP + 1
    high_y = HEADER_LINES + target.row * LINES_PER_STEP + 1
    canvas.write(min(vertex, channel) + (1 if side < 0 else 0), low_y, "─", "edge-no")
    canvas.put(channel, low_y, "└" if side < 0 else "┘")
    for y in range(high_y + 1, low_y):
        canvas.put(channel, y, "│")
        canvas.spans.append(Span(y, channel, channel + 1, "edge-no"))
    canvas.put(channel, high_y, "┌" if side < 0 else "┐")
    goal = min(target.columns, key=lambda c: abs(g.centre(c) - channel))
    if g.centre(goal) > channel:
        end = g.left(goal) - 1
        canvas.write(channel + 1, high_y, "─" * (end - channel - 1) + "▶", "edge-no")
    else:
        end = g.right(goal) + 1
        canvas.write(end, high_y, "◀" + "─" * (channel - end - 1), "edge-no")
    # the label goes on the channel just below the target's middle line
    spot = channel + 1 if side < 0 else channel - len(NO)
    for y in range(high_y + 1, low_y):
        if canvas.blank(spot, y, len(NO)):
            canvas.write(spot, y, NO, "label-no")
            break
