"""Parse the command line and run one command, reporting every expected failure as one line
on stderr with its documented exit code (README: 0 ok, 1 rule, 2 bad input, 3 busy)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from soptrack.cli import admin, documents, monitor, runs, sops
from soptrack.cli.guard import fail, guarded, one_line
from soptrack.cli.parser import Commands, Parser, common_options

__all__ = ["APP_COMMANDS", "build_parser", "fail", "guarded", "one_line", "parse", "run"]

# What `soptrack` with no command (or `tui` / `open RUN`) does: open the Textual app. The
# command line never imports Textual, so the entry point above both passes this in.
APP_COMMANDS = (None, "tui", "open")


def build_parser() -> Parser:
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
    monitor.register(commands)
    commands.add("open", "buka papan sebuah run di aplikasi TUI").add_argument("run", metavar="RUN")
    commands.add("tui", "buka aplikasi TUI (sama dengan soptrack tanpa perintah)")
    return parser


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    return build_parser().parse_args(argv)


def run(args: argparse.Namespace) -> int:
    from soptrack.cli.output import clean_stdout
    from soptrack.services.notices import backup_warnings

    handler: Callable[[argparse.Namespace], int] = args.handler
    with clean_stdout():
        code = guarded(lambda: handler(args))
    for warning in backup_warnings():  # the change is made: said, not an error
        print(f"soptrack: peringatan: {one_line(warning)}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """The command line alone (the `soptrack` entry point also opens the app)."""
    args = parse(argv)
    if args.command in APP_COMMANDS:
        print("soptrack: perintah ini membuka aplikasi TUI; jalankan: soptrack", file=sys.stderr)
        return 2
    return run(args)
