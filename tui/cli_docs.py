"""Command-line commands for the documents: performance data, exports, letter register.

`register` adds its subcommands to the main parser and returns their handlers.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable


def register(
    sub: argparse._SubParsersAction, common: argparse.ArgumentParser
) -> dict[str, Callable[[argparse.Namespace], int]]:
    return {}
