"""The parser: options every command shares, and one sub-parser per command.

Each command-group module registers its commands with `register(sub, common)` and sets a
`handler` default, so the groups never call each other.
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


def build_parser() -> Parser:
    from soptrack.cli import admin, documents, runs, sops

    common = common_options()
    parser = Parser(
        prog="soptrack",
        description="Pelacak SOP untuk Dinas: papan kanban, status, dan dokumen.",
        parents=[common],
    )
    sub = parser.add_subparsers(dest="command", metavar="PERINTAH", parser_class=Parser)
    commands = Commands(sub, common)
    sops.register(commands)
    runs.register(commands)
    admin.register(commands)
    documents.register(commands)
    commands.add("open", "buka papan sebuah run di aplikasi TUI").add_argument("run", metavar="RUN")
    commands.add("tui", "buka aplikasi TUI (sama dengan soptrack tanpa perintah)")
    return parser
