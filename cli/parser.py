"""The parser: options every command shares, and one sub-parser per command.

Each command-group module registers its commands with `register(commands)` and sets a
`handler` default, so the groups never call each other; cli.main puts them together.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any, NoReturn

from soptrack.cli.guard import EXIT_OUTPUT_LOST
from soptrack.sop.errors import EXIT_INPUT
from soptrack.sop.numbers import ascii_int
from soptrack.sop.text import printable

# argparse's own words (it translates through gettext, for which no Indonesian catalogue
# ships): the English phrases of its errors, in the order they are tried.
_ERRORS = [
    (re.compile(r"invalid int value: (.*)"), r"bukan bilangan bulat: \1"),
    (re.compile(r"invalid (\w+) value: (.*)"), r"nilai \1 tidak sah: \2"),
    (re.compile(r"invalid choice: (.*) \(choose from (.*)\)"), r"pilihan \1 tidak ada; pilih: \2"),
    (re.compile(r"the following arguments are required: (.*)"), r"argumen wajib belum diisi: \1"),
    (re.compile(r"unrecognized arguments: (.*)"), r"argumen tidak dikenal: \1"),
    (re.compile(r"expected one argument"), "perlu satu nilai"),
    (re.compile(r"expected at least one argument"), "perlu paling sedikit satu nilai"),
    (re.compile(r"ambiguous option: (\S+) could match (.*)"), r"opsi \1 ambigu: bisa \2"),
    (re.compile(r"ignored explicit argument (.*)"), r"nilai \1 diabaikan"),
    (re.compile(r"not allowed with argument (.*)"), r"tidak boleh bersama \1"),
    (re.compile(r"^argument "), "argumen "),
]


def translate_error(message: str) -> str:
    for pattern, replacement in _ERRORS:
        message = pattern.sub(replacement, message)
    return message


class HelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, prefix if prefix is not None else "cara pakai: ")


class Parser(argparse.ArgumentParser):
    """argparse in Indonesian, and a wrong flag is one line, not a usage dump."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumen"
        self._optionals.title = "opsi"
        for action in self._actions:
            if isinstance(action, argparse._HelpAction):
                action.help = "tampilkan bantuan ini lalu keluar"
        # every `type=int` (N, --year, --page, --copies, --port) reads 0-9 only: int() alone
        # takes '٣' as 3 and refuses '²'; now both get argparse's "bukan bilangan bulat"
        self.register("type", int, ascii_int)

    def print_help(self, file: Any = None) -> None:
        """argparse drops a failed write of the help (exit 0, nothing said): here it is said
        in one line with exit 120, as for any command's output; a reader that left is not
        an error."""
        file = sys.stdout if file is None else file
        try:
            file.write(self.format_help())
            file.flush()
        except BrokenPipeError:
            pass
        except OSError as exc:
            self.exit(EXIT_OUTPUT_LOST, f"soptrack: keluaran tidak tertulis ({exc.strerror})\n")

    def error(self, message: str) -> NoReturn:
        # 'argumen tidak dikenal: ...' quotes what was typed as it was typed: cleaned
        said = printable(translate_error(message))
        self.exit(EXIT_INPUT, f"soptrack: {said} (lihat: {self.prog} --help)\n")


def common_options() -> Parser:
    common = Parser(add_help=False)
    common._optionals.title = "opsi umum"  # shown as its own group in every command's help
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
