"""Output of the command line: rich tables and JSON, shared by every command.

User data (titles, notes, indicator names) goes into cells as rich Text, so a "[" in it is
printed, never read as markup. Imported only by commands that print (start-up matters).

No escape sequence reaches the terminal from user data (a hand-edited title, a file name, a
database path): what print() writes has every control character removed, ESC included;
rich writes through its own channel, where its colour codes (SGR) pass, and every piece of
text it draws is cleaned first (CleanConsole), so only rich's styling makes them.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from soptrack.cli.guard import OutputLost
from soptrack.sop.text import printable

_SGR = re.compile("(\x1b\\[[0-9;]*m)")


def _keep_sgr(text: str) -> str:
    """printable(), but the colour codes rich writes pass (the odd parts of the split)."""
    if "\x1b" not in text:
        return printable(text)
    parts = _SGR.split(text)
    return "".join(part if index % 2 else printable(part) for index, part in enumerate(parts))


class CleanStream:
    """stdout for the duration of a command, with control characters removed; a failed
    write is OutputLost (a closed pipe stays BrokenPipeError: the reader left)."""

    def __init__(self, inner: TextIO, clean: Callable[[str], str] = printable) -> None:
        self.inner = inner
        self._clean = clean

    @property
    def styled(self) -> CleanStream:
        """The same stdout for rich: its colour codes pass, nothing else does."""
        return CleanStream(self.inner, _keep_sgr)

    def write(self, text: str) -> int:
        with _output_lost():
            self.inner.write(self._clean(text))
        return len(text)

    def flush(self) -> None:
        with _output_lost():
            self.inner.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@contextmanager
def _output_lost() -> Iterator[None]:
    """A failed write to stdout as OutputLost; a closed pipe stays BrokenPipeError."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputLost(exc.errno, exc.strerror) from None


@contextmanager
def clean_stdout() -> Iterator[None]:
    original = sys.stdout
    sys.stdout = CleanStream(original)
    try:
        yield
    finally:
        sys.stdout = original


def console() -> Any:
    """A rich console on stdout's styled channel that cleans every text it draws."""
    out = sys.stdout
    stream = out if isinstance(out, CleanStream) else CleanStream(out)
    return _console_class()(file=stream.styled, highlight=False, soft_wrap=False)


@functools.cache
def _console_class() -> type:
    from rich.console import Console
    from rich.segment import Segment

    class CleanConsole(Console):
        """Each segment's text made printable before rich adds its colours: a title with
        ESC[31m or a bidi override in it is drawn as its plain letters, wherever in a table,
        a title or a grid it sits (rich's own control segments are left alone)."""

        def render(self, renderable: Any, options: Any = None) -> Iterator[Any]:
            for segment in super().render(renderable, options):
                if segment.control is None:
                    shown = printable(segment.text)
                    if shown != segment.text:
                        segment = Segment(shown, segment.style)
                yield segment

    return CleanConsole


def print_json(data: Any) -> int:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


def table(
    title: str | None,
    columns: list[str],
    *,
    nowrap: tuple[str, ...] = (),
    right: tuple[int, ...] = (),
) -> FittedTable:
    return FittedTable(title, columns, nowrap=nowrap, right=right)


class FittedTable:
    """A table that fits the terminal without cutting a word, an id, a number or a path.

    Cells wrap only between words; each column is at least as wide as its longest word. When
    that is still wider than the terminal, the last column is folded under the one before it
    (its header joined with " / "), again until the table fits: every value is kept whole.
    """

    def __init__(
        self,
        title: str | None,
        columns: list[str],
        *,
        nowrap: tuple[str, ...] = (),
        right: tuple[int, ...] = (),
    ) -> None:
        self.title = title
        self.columns = list(columns)
        self.nowrap = set(nowrap)
        self.right = set(right)
        self.rows: list[list[Any]] = []

    def add_row(self, *cells: Any) -> None:
        self.rows.append([text(c) if isinstance(c, str) else c for c in cells])

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def __rich_console__(self, console: Any, options: Any) -> Any:
        yield self.build(options.max_width)

    def build(self, width: int) -> Any:
        from rich import box
        from rich.table import Table

        headers = list(self.columns)
        cells = [list(row) + [text("")] * (len(headers) - len(row)) for row in self.rows]
        keep_whole = [h in self.nowrap for h in headers]
        justify = ["right" if i in self.right else "left" for i in range(len(headers))]
        while len(headers) > 1 and _needed(headers, cells, keep_whole) > width:
            last = headers.pop()
            headers[-1] = f"{headers[-1]} / {last}"
            whole = keep_whole.pop()
            keep_whole[-1] = keep_whole[-1] and whole
            justify.pop()
            for row in cells:
                tail = row.pop()
                if tail.plain.strip():
                    row[-1] = text(row[-1], "\n", tail) if row[-1].plain.strip() else tail
        result = Table(
            title=text(self.title) if self.title else None,
            box=box.SIMPLE_HEAD,
            title_justify="left",
            pad_edge=False,
        )
        widths = _layout(headers, cells, keep_whole, width)
        for index, header in enumerate(headers):
            result.add_column(
                header,
                justify=justify[index],  # type: ignore[arg-type]
                no_wrap=keep_whole[index],
                width=widths[index],
                overflow="fold",
            )
        for row in cells:
            result.add_row(*row)
        return result


def _min_width(header: str, cells: list[Any], whole: bool) -> int:
    """The longest word of the column (or line, for a column kept whole)."""
    widest = max((len(w) for w in header.split()), default=1)
    for cell in cells:
        for line in cell.plain.splitlines():
            # rich wraps at spaces only (a no-break space joins words, as in the seed SOPs)
            parts = [line] if whole else line.split(" ")
            widest = max([widest, *(len(p) for p in parts)])
    return widest


def _max_width(header: str, cells: list[Any]) -> int:
    lines = [header, *(line for cell in cells for line in cell.plain.splitlines())]
    return max(len(line) for line in lines)


def _layout(headers: list[str], cells: list[list[Any]], whole: list[bool], width: int) -> list[int]:
    """Column widths: every column its longest word, the room left shared out by how much
    more each column would like (rich alone would shrink columns below their words)."""
    columns = [[row[i] for row in cells] for i in range(len(headers))]
    least = [
        _min_width(h, col, whole[i])
        for i, (h, col) in enumerate(zip(headers, columns, strict=True))
    ]
    most = [max(m, _max_width(h, col)) for m, h, col in zip(least, headers, columns, strict=True)]
    room = width - (3 * (len(headers) - 1) + 2)
    if sum(most) <= room:
        return most
    spare = max(0, room - sum(least))
    wants = [b - a for a, b in zip(least, most, strict=True)]
    total = sum(wants) or 1
    widths = [a + spare * w // total for a, w in zip(least, wants, strict=True)]
    leftover = room - sum(widths)
    for i in sorted(range(len(widths)), key=lambda i: -wants[i]):
        if leftover <= 0:
            break
        if widths[i] < most[i]:
            widths[i] += 1
            leftover -= 1
    return widths


def _needed(headers: list[str], cells: list[list[Any]], whole: list[bool]) -> int:
    widths = [_min_width(h, [row[i] for row in cells], whole[i]) for i, h in enumerate(headers)]
    return sum(widths) + 3 * (len(widths) - 1) + 2  # padding, separators, the two edges


def text(*parts: Any) -> Any:
    """Rich Text of user data, cleaned as it enters (its width is then its printed width):
    parts are strings, (string, style) pairs or Text."""
    from rich.text import Text

    return Text.assemble(*(_clean_part(part) for part in parts))


def _clean_part(part: Any) -> Any:
    if isinstance(part, str):
        return printable(part)
    if isinstance(part, tuple):
        return (printable(part[0]), *part[1:])
    return part


def add_row(table: Any, *cells: Any) -> None:
    table.add_row(*(text(c) if isinstance(c, str) else c for c in cells))
