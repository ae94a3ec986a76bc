"""The `soptrack` command: the Textual app when no command is given (or `tui`, `open RUN`),
otherwise one command of the command line."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from soptrack.cli.main import APP_COMMANDS, guarded, parse, run
from soptrack.services.core import open_services


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    if args.command in APP_COMMANDS:
        return guarded(lambda: _open_app(args))
    return run(args)


def _open_app(args: argparse.Namespace) -> int:
    services = open_services(getattr(args, "db", None), getattr(args, "as_role", None))
    from soptrack.tui.app import run_app  # Textual only when the app opens: commands start fast

    return run_app(services, getattr(args, "run", None))


if __name__ == "__main__":
    raise SystemExit(main())
