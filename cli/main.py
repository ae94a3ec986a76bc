"""Parse the command line and run one command, reporting every expected failure as one line
on stderr with its documented exit code (README: 0 ok, 1 rule, 2 bad input, 3 busy)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from soptrack.cli import admin, documents, monitor, runs, sops
from soptrack.cli.parser import Commands, Parser, common_options
from soptrack.sop.errors import EXIT_INPUT, EXIT_OK, SoptrackError
from soptrack.sop.text import printable

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


def guarded(action: Callable[[], int]) -> int:
    """Run a command; a SoptrackError is one line and its exit code, never a traceback."""
    try:
        return action()
    except SoptrackError as exc:
        return fail(str(exc), exc.exit_code)
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:
        # the last line of defence: a disk that fills or turns read-only under a command,
        # a file another program holds; the database itself is replaced atomically or not
        where = f"{exc.filename}: " if exc.filename else ""
        return fail(f"{where}{exc.strerror or exc}; tidak ada yang diubah", EXIT_INPUT)
    except RecursionError:
        return fail("masukan bersarang terlalu dalam; tidak ada yang diubah", EXIT_INPUT)
    except KeyboardInterrupt:
        print("soptrack: dibatalkan", file=sys.stderr)
        return 130


def fail(message: str, code: int) -> int:
    """One line on stderr, whatever the message holds (file names, SOP text)."""
    print(f"soptrack: {one_line(message)}", file=sys.stderr)
    return code


def one_line(message: str) -> str:
    return " ".join(printable(message).split())


def run(args: argparse.Namespace) -> int:
    from soptrack.cli.output import clean_stdout

    handler: Callable[[argparse.Namespace], int] = args.handler
    with clean_stdout():
        return guarded(lambda: handler(args))


def main(argv: Sequence[str] | None = None) -> int:
    """The command line alone (the `soptrack` entry point also opens the app)."""
    args = parse(argv)
    if args.command in APP_COMMANDS:
        print("soptrack: perintah ini membuka aplikasi TUI; jalankan: soptrack", file=sys.stderr)
        return 2
    return run(args)
