"""The SOP as its flowchart, as pure data: which symbol sits in which Pelaksana column, which
arrows join them, and where a long table continues on the next page.

The .docx sheet and the terminal drawing read the same layout, so the arrows a Sekretaris sees
on paper are the arrows the board shows. Nothing here knows about centimetres or characters;
the drawers only turn columns and rows into their own units.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from soptrack.sop.model import Sop, Step


class Symbol(StrEnum):
    """The SOP-AP symbols (PermenPANRB 35/2012): the arrow is an Edge, not a Symbol."""

    TERMINATOR = "terminator"
    PROCESS = "process"
    DECISION = "decision"
    OFF_PAGE = "off-page"


YES = "Ya"
NO = "Tidak"


@dataclass(frozen=True)
class Node:
    """One step's row: its symbol drawn in every lane column it names (`columns`, in the
    SOP's lane order; the first is where the card of the step sits)."""

    row: int
    step: int
    symbol: Symbol
    columns: tuple[int, ...]

    @property
    def span(self) -> tuple[int, int]:
        """Leftmost and rightmost column: a step done by several lanes is joined across."""
        return min(self.columns), max(self.columns)


@dataclass(frozen=True)
class Edge:
    """An arrow from one step to another, leaving and entering in the columns closest to
    each other. `back` is a decision's "Tidak" going up to the step it returns to."""

    source: int
    target: int
    from_column: int
    to_column: int
    label: str = ""
    back: bool = False


@dataclass(frozen=True)
class Flow:
    lanes: tuple[str, ...]
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    def node(self, step: int) -> Node:
        return next(n for n in self.nodes if n.step == step)

    def outgoing(self, step: int) -> tuple[Edge, ...]:
        return tuple(e for e in self.edges if e.source == step)

    def incoming(self, step: int) -> tuple[Edge, ...]:
        return tuple(e for e in self.edges if e.target == step)

    def forward(self, step: int) -> Edge | None:
        """The arrow to the next step (a decision's "Ya"), None after the last step."""
        return next((e for e in self.outgoing(step) if not e.back), None)


def symbol_of(sop: Sop, step: Step) -> Symbol:
    if step.is_decision:
        return Symbol.DECISION
    if step.terminator or step.number in (sop.steps[0].number, sop.last_step):
        return Symbol.TERMINATOR
    return Symbol.PROCESS


def layout(sop: Sop) -> Flow:
    """Nodes in table order, an arrow from each step to the next, and each decision's way
    back. Steps whose lanes are unknown to the SOP cannot occur: the loader checks them."""
    index = {lane.id: i for i, lane in enumerate(sop.lanes)}
    nodes = tuple(
        Node(
            row=row,
            step=step.number,
            symbol=symbol_of(sop, step),
            columns=tuple(index[lane] for lane in step.lanes),
        )
        for row, step in enumerate(sop.steps)
    )
    edges: list[Edge] = []
    for node, following in zip(nodes, nodes[1:], strict=False):
        start, end = _closest(node.columns, following.columns)
        label = YES if node.symbol is Symbol.DECISION else ""
        edges.append(Edge(node.step, following.step, start, end, label))
    by_step = {node.step: node for node in nodes}
    for step in sop.steps:
        if step.is_decision and step.return_to in by_step:
            source, target = by_step[step.number], by_step[step.return_to]
            start, end = _closest(source.columns, target.columns)
            edges.append(Edge(step.number, target.step, start, end, NO, back=True))
    return Flow(tuple(lane.name for lane in sop.lanes), nodes, tuple(edges))


def _closest(sources: Sequence[int], targets: Sequence[int]) -> tuple[int, int]:
    """The pair of columns nearest to each other; ties go to the primary (first) lanes."""
    pairs = [(abs(s - t), i, j, s, t) for i, s in enumerate(sources) for j, t in enumerate(targets)]
    _, _, _, start, end = min(pairs)
    return start, end


# -- pages ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """The rows of one page of the flowchart table; a page after the first starts with an
    off-page connector naming its first step, and a page before the last ends with one
    naming the next page's first step."""

    rows: tuple[int, ...]

    @property
    def first(self) -> int:
        return self.rows[0]

    @property
    def last(self) -> int:
        return self.rows[-1]


def paginate(
    heights: Sequence[float],
    first_room: float,
    room: float,
    connector: float,
    keep: Sequence[tuple[int, int]] = (),
) -> tuple[Page, ...]:
    """Split rows of `heights` into pages: the first page holds `first_room`, the others
    `room`. A row at the bottom or top of a page grows by `connector` (the off-page symbol
    drawn in it). Rows in a `keep` range (first, last row) stay on one page when the page
    has other rows to give up: a decision loop is drawn whole. Every page takes at least
    one row, so a row taller than a page still goes somewhere."""
    pages: list[tuple[int, ...]] = []
    current: list[int] = []
    used, limit = 0.0, first_room
    for row, height in enumerate(heights):
        bottom = 0.0 if row == len(heights) - 1 else connector
        if current and used + height + bottom > limit:
            cut = len(current)
            for first, last in keep:
                if first < row <= last and first in current[1:]:
                    cut = min(cut, current.index(first))
            pages.append(tuple(current[:cut]))
            current, limit = current[cut:], room
            used = connector + sum(heights[r] for r in current)
        current.append(row)
        used += height
    if current:
        pages.append(tuple(current))
    return tuple(Page(rows) for rows in pages)


def loops(flow: Flow) -> tuple[tuple[int, int], ...]:
    """(first row, last row) of every decision loop: what paginate() keeps together."""
    return tuple(
        (flow.node(edge.target).row, flow.node(edge.source).row) for edge in flow.edges if edge.back
    )
