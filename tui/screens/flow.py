"""`f` on the board: the run as its SOP flowchart, lanes as columns, each step's symbol
carrying its state (glyph, words beside the label, colour), the current step framed heavy.

The drawing is sop.flow_text's, made by soptrack.services.monitoring; this screen only colours it,
scrolls it and redraws it when the run changes or the terminal is resized.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer
from textual.screen import Screen
from textual.widgets import Static

from soptrack.sop.errors import SoptrackError
from soptrack.sop.flow_text import HEADER_LINES, FlowText
from soptrack.tui.widgets.keybar import KeyBar

# style keys of sop.flow_text that have a colour; each is a component class in app.tcss
# (FlowDrawing > .flow--KEY), so the theme, 16-colour terminals and NO_COLOR apply as on
# the board
STYLE_KEYS = (
    "header",
    "rule",
    "belum",
    "berjalan",
    "selesai",
    "dikembalikan",
    "late",
    "edge-no",
    "label-yes",
    "label-no",
)


class FlowDrawing(Static):
    COMPONENT_CLASSES = {f"flow--{key}" for key in STYLE_KEYS}

    def styles_by_key(self) -> dict[str, Style]:
        return {key: self.get_component_rich_style(f"flow--{key}") for key in STYLE_KEYS}


def flow_text(
    drawing: FlowText, styles: dict[str, Style], first: int = 0, last: int | None = None
) -> Text:
    """Lines [first, last) of the drawing as rich Text: user labels are plain text, never
    markup."""
    text = Text(no_wrap=True)
    by_line: dict[int, list] = {}
    for span in drawing.spans:
        by_line.setdefault(span.line, []).append(span)
    lines = drawing.lines[first:last]
    for index, line in enumerate(lines, start=first):
        start = len(text)
        text.append(line)
        for span in by_line.get(index, ()):
            style = styles.get(span.style)
            if style and span.start < len(line):
                text.stylize(style, start + span.start, start + min(span.end, len(line)))
        if index < first + len(lines) - 1:
            text.append("\n")
    return text


class FlowBody(ScrollableContainer, can_focus=True):
    """Scrolls both ways; the arrow keys belong to the screen's bindings."""


class FlowHead(ScrollableContainer, can_focus=False):
    """The lane names, fixed above the body and following its sideways scroll."""


class FlowScreen(Screen):
    BINDINGS = [
        Binding("escape,f", "close", "Kembali", id="flow-close"),
        Binding("up,k", "scroll(0,-1)", "Gulir", show=False, id="cursor-up"),
        Binding("down,j", "scroll(0,1)", "Gulir", show=False, id="cursor-down"),
        Binding("left,h", "scroll(-4,0)", "Gulir", show=False, id="cursor-left"),
        Binding("right,l", "scroll(4,0)", "Gulir", show=False, id="cursor-right"),
        Binding("pageup", "scroll(0,-10)", "Halaman atas", show=False, id="page-up"),
        Binding("pagedown,space", "scroll(0,10)", "Halaman bawah", show=False, id="page-down"),
        Binding("g", "goto_current", "Ke langkah kini", id="goto-current"),
        Binding("question_mark", "app.help", "Bantuan", id="help"),
        Binding("q", "app.quit", "Keluar", id="quit"),
    ]

    def __init__(self, state, run_id: str) -> None:
        super().__init__(id="flow")
        self.state = state
        self.run_id = run_id
        self.drawing: FlowText | None = None
        self.current: int | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="flow-title")
        with FlowHead(id="flow-head"):
            yield FlowDrawing(id="flow-lanes")
        with FlowBody(id="flow-body"):
            yield FlowDrawing(id="flow-drawing")
        yield KeyBar(classes="keybar")

    def on_mount(self) -> None:
        self.state.subscribe(self.redraw)
        self.redraw()
        body = self.query_one(FlowBody)
        self.watch(body, "scroll_x", self._follow, init=False)
        body.focus()
        self.call_after_refresh(self.action_goto_current)

    def on_unmount(self) -> None:
        self.state.unsubscribe(self.redraw)

    def on_resize(self) -> None:
        self.redraw()

    def _follow(self, x: float) -> None:
        self.query_one(FlowHead).scroll_to(x=x, animate=False)

    def redraw(self) -> None:
        from soptrack.services.monitoring import run_flow

        try:
            status = self.state.run_status(self.run_id)
        except SoptrackError as exc:
            self.app.notify(str(exc), severity="error", title="Diagram alir")
            return
        width = max(60, (self.size.width or 80) - 2)
        self.drawing = run_flow(status, width)
        current = status.current
        self.current = current.number if current else None
        run = status.run
        where = f"langkah kini {current.number}" if current else "✓ selesai semua"
        self.query_one("#flow-title", Static).update(
            Text.assemble(
                (f"{run.id} ", "bold"),
                f"diagram alir · {where} · {status.done}/{status.total} · ",
                run.title,
                f" · {status.sop.name}",
                no_wrap=True,
                overflow="ellipsis",
            )
        )
        for selector, first, last in (
            ("#flow-lanes", 0, HEADER_LINES),
            ("#flow-drawing", HEADER_LINES, None),
        ):
            part = self.query_one(selector, FlowDrawing)
            part.styles.width = self.drawing.width + 1
            part.update(flow_text(self.drawing, part.styles_by_key(), first, last))

    def action_scroll(self, dx: int, dy: int) -> None:
        self.query_one(FlowBody).scroll_relative(x=dx, y=dy, animate=False)

    def action_goto_current(self) -> None:
        if self.drawing is None:
            return
        number = self.current or max(self.drawing.step_lines, default=0)
        line = self.drawing.step_lines.get(number, HEADER_LINES) - HEADER_LINES
        self.query_one(FlowBody).scroll_to(y=max(0, line - 2), animate=False)

    def action_close(self) -> None:
        self.app.pop_screen()
