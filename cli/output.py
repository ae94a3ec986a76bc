"""Output of the command line: rich tables and JSON, shared by every command.

User data (titles, notes, indicator names) goes into cells as rich Text, so a "[" in it is
printed, never read as markup. Imported only by commands that print (start-up matters).
"""

from __future__ import annotations

import json
import sys
from typing import Any, Literal


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
