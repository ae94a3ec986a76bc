"""The overview's table of runs: a header and two-line rows, drawn by one widget.

Textual's DataTable brings a stylesheet, a dozen component classes and a general cell
renderer to the overview's first frame (about 10 ms of opening soptrack); this table draws
what the overview needs, lines of cells cut to their column, and scrolls on its own. The
overview owns the data; the table says which row the cursor is on and which one was chosen.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

ROW_LINES = 2
GAP = 2  # cells between two columns


class RunTable(ScrollView, can_focus=True, inherit_bindings=False):
    """Rows of cells (rich Text, up to ROW_LINES lines each) under a fixed header.

    Its own keys only (inherit_bindings=False): a scroll view's ↑↓ scrolled the view one
    line, taking the keys from the screen's cursor-up/cursor-down (remappable there)."""

    BINDINGS = [
        Binding("pageup", "page(-1)", "Halaman sebelumnya", show=False, id="table-page-up"),
        Binding("pagedown", "page(1)", "Halaman berikutnya", show=False, id="table-page-down"),
        Binding("home", "jump(0)", "Baris pertama", show=False, id="table-first"),
        Binding("end", "jump(-1)", "Baris terakhir", show=False, id="table-last"),
    ]
    COMPONENT_CLASSES = {"run-table--header", "run-table--cursor", "run-table--cursor-blurred"}

    class Highlighted(Message):
        """The cursor moved to `row`."""

        def __init__(self, table: RunTable, row: int) -> None:
            super().__init__()
            self.table = table
            self.row = row

    class Selected(Message):
        """A double click on `row` (Enter is the screen's key: remappable there)."""

        def __init__(self, table: RunTable, row: int) -> None:
            super().__init__()
            self.table = table
            self.row = row

    def __init__(self, columns: Sequence[tuple[str, int | None]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        # (title, width); None shares what is left of the width
        self.columns = tuple(columns)
        self.rows: list[list[Text]] = []
        self.cursor_row = 0
        self._lines: dict[int, tuple[int, list[Strip]]] = {}  # row -> (width, its lines)
        self._header: tuple[int, Strip | None] = (-1, None)

    # -- what the overview asks ---------------------------------------------------------------

    def set_rows(self, rows: list[list[Text]], cursor: int = 0) -> None:
        self.rows = list(rows)
        self._lines.clear()
        self._sync_size()
        self.move_cursor(cursor)
        self.refresh()

    def add_rows(self, rows: list[list[Text]]) -> None:
        self.rows += rows
        self._sync_size()
        self.refresh()

    def move_cursor(self, row: int) -> None:
        row = max(0, min(row, len(self.rows) - 1))
        if row != self.cursor_row:
            self.cursor_row = row
            self.refresh()
        self._scroll_to_cursor()
        if self.rows:
            self.post_message(self.Highlighted(self, row))

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor_row + 1)

    def action_page(self, direction: int) -> None:
        rows = max(1, (self.scrollable_content_region.height - 1) // ROW_LINES)
        self.move_cursor(self.cursor_row + direction * rows)

    def action_jump(self, row: int) -> None:
        self.move_cursor(row if row >= 0 else len(self.rows) - 1)

    def action_select(self) -> None:
        if self.rows:
            self.post_message(self.Selected(self, self.cursor_row))

    def on_click(self, event: events.Click) -> None:
        if event.y < 1:
            return
        row = (self.scroll_offset.y + event.y - 1) // ROW_LINES
        if 0 <= row < len(self.rows):
            self.move_cursor(row)
            if event.chain > 1:  # a double click opens, as Enter does
                self.action_select()

    # -- drawing ------------------------------------------------------------------------------

    def on_resize(self) -> None:
        self._lines.clear()
        self._sync_size()
        self._scroll_to_cursor()
        # and once Textual has settled the new size (it keeps a view scrolled to its end at
        # the end, which may be a row's second line)
        self.call_after_refresh(self._scroll_to_cursor)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()
        self._header = (-1, None)

    def _sync_size(self) -> None:
        # one spare line when the rows overflow: the last row can be scrolled to a row
        # boundary whatever the height (none when they fit: no scrollbar for nothing)
        lines = 1 + ROW_LINES * len(self.rows)
        height = self.size.height  # the widget's own: the region shrinks with a scrollbar
        spare = 1 if height and lines > height else 0
        size = Size(self._width(), lines + spare)
        if size != self.virtual_size:
            self.virtual_size = size

    def _width(self) -> int:
        return max(1, self.scrollable_content_region.width)

    def _scroll_to_cursor(self) -> None:
        visible = max(1, self.scrollable_content_region.height - 1)
        top = self.cursor_row * ROW_LINES
        y = self.scroll_offset.y
        if top < y:
            y = top
        elif top + ROW_LINES > y + visible:
            y = top + ROW_LINES - visible
        if y % ROW_LINES:
            # whole rows from the top, never a row's second line first (an odd viewport, a
            # resize): the row boundary above when the cursor still shows, else below
            down = y - y % ROW_LINES
            y = down if top + ROW_LINES <= down + visible else down + ROW_LINES
        # force: right after the rows change the scrollbar may not be shown yet
        self.scroll_to(y=y, animate=False, immediate=True, force=True)

    def widths(self, width: int) -> list[int]:
        fixed = sum(w or 0 for _, w in self.columns) + GAP * (len(self.columns) - 1)
        flexible = [title for title, w in self.columns if w is None]
        share = max(8, (width - fixed) // max(1, len(flexible)))
        return [w if w is not None else share for _, w in self.columns]

    def render_line(self, y: int) -> Strip:
        width = self._width()
        if y == 0:
            if self._header[0] != width or self._header[1] is None:
                cells = [[Text(title)] for title, _ in self.columns]
                style = self.get_component_rich_style("run-table--header")
                self._header = (width, self._line(cells, 0, width, style))
            header = self._header[1]
            assert header is not None
            return header
        index = self.scroll_offset.y + y - 1
        row, line = divmod(index, ROW_LINES)
        if not 0 <= row < len(self.rows):
            return Strip.blank(width, self.rich_style)
        cached = self._lines.get(row)
        if cached is None or cached[0] != width:
            cells = [list(cell.split("\n")) for cell in self.rows[row]]
            cached = (width, [self._line(cells, n, width, self.rich_style) for n in range(2)])
            self._lines[row] = cached
        strip = cached[1][line]
        if row == self.cursor_row:
            name = "run-table--cursor" if self.has_focus else "run-table--cursor-blurred"
            cursor = self.get_component_rich_style(name)
            strip = Strip(Segment.apply_style(strip, post_style=cursor), strip.cell_length)
        return strip

    def _on_focus(self, event: events.Focus) -> None:
        super()._on_focus(event)
        self.refresh()

    def _on_blur(self, event: events.Blur) -> None:
        super()._on_blur(event)
        self.refresh()

    def _line(self, cells: list[list[Text]], n: int, width: int, style: Style) -> Strip:
        """Line `n` of each cell, cut to its column, the columns GAP cells apart."""
        segments: list[Segment] = [Segment(" ", style)]  # a cell from each edge
        for column, (lines, cell_width) in enumerate(
            zip(cells, self.widths(width - 2), strict=True)
        ):
            if column:
                segments.append(Segment(" " * GAP, style))
            text = lines[n].copy() if n < len(lines) else Text()
            text.truncate(cell_width, overflow="ellipsis", pad=True)
            segments += Segment.apply_style(text.render(self.app.console, end=""), style)
        return Strip(segments).adjust_cell_length(width, style)
