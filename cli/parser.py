"""The parser: options every command shares, and one sub-parser per command.

Each command-group module registers its commands with `register(commands)` and sets a
`handler` default, so the groups never call each other; cli.main puts them together.
"""

from __future__ import annotations

import argparse
from typing import NoReturn

from soptrack.sop.errors import EXIT_INPUT


class Parser(argparse.ArgumentParser):
    """argparse, but a wrong flag is one line, not a usage dump."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_INPUT, f"soptrack: {message} (lihat: {self.prog} --help)\n")


def common_options() -> Parser:
    common = Parser(add_help=False)
    common.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        metavar="PATH",
        help="file database (default: $SOPTRACK_DB, lalu folder data pengguna)",
    )
    common.add_argument(
        "--as",
        dest="as_role",
        default=argparse.SUPPRESS,
        metavar="ROLE",
        help="bertindak sebagai peran ini (id pelaksana, mis. kadis)",
    )
    return common


class Commands:
    """Adds commands (and groups of sub-commands) that all take the common options."""

    def __init__(self, sub: argparse._SubParsersAction[Parser], common: Parser) -> None:
        self.sub = sub
        self.common = common

    def add(self, name: str, help_text: str) -> Parser:
        return self.sub.add_parser(
            name, help=help_text, description=help_text, parents=[self.common]
        )

    def group(self, name: str, help_text: str, dest: str) -> Commands:
        parser = self.add(name, help_text)
        actions = parser.add_subparsers(
            dest=dest, metavar="AKSI", required=True, parser_class=Parser
        )
        return Commands(actions, self.common)
