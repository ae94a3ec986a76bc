"""The `soptrack` command: the Textual app when no command is given (or `tui`, `open RUN`),
otherwise one command of the command line."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from soptrack.services.core import Services


def main(argv: Sequence[str] | None = None) -> int:
    # Starting creates some hundred thousand objects that live as long as the process
    # (Textual, the domain's classes); the garbage collector walking them again and again
    # while they are made cost 12-16 ms of every start. It is off until the command runs;
    # the app turns it back on after its first frame.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _main(list(sys.argv[1:] if argv is None else argv), collecting)
    finally:
        if collecting:
            gc.enable()


def _main(words: list[str], collecting: bool) -> int:
    # imported here, not at the top: with the collector off (see main)
    from soptrack.cli.guard import guarded

    request = app_request(words)
    if request is not None:
        return guarded(lambda: _open_app(request))
    # the whole command line (its groups import every service) only for a command
    from soptrack.cli.main import APP_COMMANDS, parse, run

    args = parse(words)
    if args.command in APP_COMMANDS:
        return guarded(lambda: _open_app(args))
    if collecting:
        gc.enable()  # a command may build much: collect as usual while it runs
    return run(args)


def app_request(words: Sequence[str]) -> argparse.Namespace | None:
    """The app's own forms, `[--db PATH] [--as ROLE] [tui | open RUN]`, read without building
    the command line: the first frame does not wait for it. Anything else (--help, a
    command, a wrong flag) is for the full parser, which says what is wrong."""
    options: dict[str, str | None] = {"db": None, "as_role": None}
    rest: list[str] = []
    tokens = iter(words)
    for token in tokens:
        name, equals, value = token.partition("=")
        if name in ("--db", "--as"):
            if not equals:
                following = next(tokens, None)
                if following is None:
                    return None
                value = following
            options["db" if name == "--db" else "as_role"] = value
        elif token.startswith("-"):
            return None
        else:
            rest.append(token)
    if rest in ([], ["tui"]):
        return argparse.Namespace(command=rest[0] if rest else None, run=None, **options)
    if len(rest) == 2 and rest[0] == "open":
        return argparse.Namespace(command="open", run=rest[1], **options)
    return None


def _open_app(args: argparse.Namespace) -> int:
    from soptrack.services.core import open_services

    services = open_services(getattr(args, "db", None), getattr(args, "as_role", None))
    # A database that cannot be read, an unknown run: the same one line as for any command,
    # before the screen is taken (inside the app it would be a traceback).
    services.repo.run_count()
    run_id = run_to_open(services, getattr(args, "run", None))
    _need_terminal()
    from soptrack.tui.app import run_app  # Textual only when the app opens: commands start fast

    return run_app(services, run_id)


def run_to_open(services: Services, ref: str | None) -> str | None:
    """The id of the run `open RUN` names, checked once, here: an unknown run or a SOP
    version the database lacks is refused (SoptrackError) before the terminal is asked for
    and before Textual is imported; the app trusts the id it is given."""
    if ref is None:
        return None
    run = services.repo.get_run(ref)
    services.sop_of(run)
    return run.id


def _need_terminal() -> None:
    """Without a terminal (cron, a pipe, </dev/null) the app would write escape codes
    forever. textual-serve (`soptrack serve`) runs it with its own driver, named in
    TEXTUAL_DRIVER: that is a terminal too."""
    if os.environ.get("TEXTUAL_DRIVER"):
        return
    from soptrack.sop.errors import BadInput

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise BadInput(
            "aplikasi TUI perlu terminal (needs a terminal); tanpa terminal pakai: soptrack status"
        )


if __name__ == "__main__":
    raise SystemExit(main())
