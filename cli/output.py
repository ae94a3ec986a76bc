"""Output of the command line: rich tables and JSON, shared by every command.

User data (titles, notes, indicator names) goes into cells as rich Text, so a "[" in it is
printed, never read as markup. Imported only by commands that print (start-up matters).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal, TextIO

# Control characters (C0 but tab and newline, DEL, C1) never reach the terminal from user
# data: a file name, an SOP text or a stored note with ESC, BEL or NUL would move the cursor,
# retitle the window or hide text. Only the colour codes rich itself writes (SGR) pass.
_UNSAFE = re.compile("(\x1b\\[[0-9;]*m)|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _clean(text: str) -> str:
    return _UNSAFE.sub(lambda m: m.group(1) or "", text)


class CleanStream:
    """stdout for the duration of a command, with control characters removed."""

    def __init__(self, inner: TextIO) -> None:
        self.inner = inner

    def write(self, text: str) -> int:
        self.inner.write(_clean(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@contextmanager
def clean_stdout() -> Iterator[None]:
    original = sys.stdout
    sys.stdout = CleanStream(original)
    try:
        yield
    finally:
        sys.stdout = original


def console() -> Any:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


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
) -> Any:
    from rich import box
    from rich.table import Table

    result = Table(
        title=text(title) if title else None,
        box=box.SIMPLE_HEAD,
        title_justify="left",
        pad_edge=False,
    )
    for index, column in enumerate(columns):
        justify: Literal["left", "right"] = "right" if index in right else "left"
        if column in nowrap:
            result.add_column(column, no_wrap=True, justify=justify)
        else:
            result.add_column(column, overflow="fold", justify=justify)
    return result


def text(*parts: Any) -> Any:
    from rich.text import Text

    return Text.assemble(*parts)


def add_row(table: Any, *cells: Any) -> None:
    table.add_row(*(text(c) if isinstance(c, str) else c for c in cells))
