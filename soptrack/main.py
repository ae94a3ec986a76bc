"""The `soptrack` command: the Textual app when no command is given (or `tui`, `open RUN`),
otherwise one command of the command line."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from soptrack.cli.main import APP_COMMANDS, guarded, parse, run
from soptrack.services.core import open_services
from soptrack.sop.errors import BadInput


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    if args.command in APP_COMMANDS:
        return guarded(lambda: _open_app(args))
    return run(args)


def _open_app(args: argparse.Namespace) -> int:
    services = open_services(getattr(args, "db", None), getattr(args, "as_role", None))
    # A database that cannot be read, an unknown run: the same one line as for any command,
    # before the screen is taken (inside the app it would be a traceback).
    services.repo.run_count()
    run_ref = getattr(args, "run", None)
    if run_ref is not None:
        services.sop_of(services.repo.get_run(run_ref))
    _need_terminal()
    from soptrack.tui.app import run_app  # Textual only when the app opens: commands start fast

    return run_app(services, getattr(args, "run", None))


def _need_terminal() -> None:
    """Without a terminal (cron, a pipe, </dev/null) the app would write escape codes
    forever. textual-serve (`soptrack serve`) runs it with its own driver, named in
    TEXTUAL_DRIVER: that is a terminal too."""
    if os.environ.get("TEXTUAL_DRIVER"):
        return
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise BadInput(
            "aplikasi TUI perlu terminal (needs a terminal); tanpa terminal pakai: soptrack status"
        )


if __name__ == "__main__":
    raise SystemExit(main())
