"""What every command handler starts from: the services for the flags it was given."""

from __future__ import annotations

import argparse
import sys

from soptrack.cli.guard import one_line
from soptrack.services.core import Scope, Services, open_services
from soptrack.sop.status import RunStatus


def services_for(args: argparse.Namespace) -> Services:
    """Flag, environment and config files, in that order (see services.config)."""
    return open_services(getattr(args, "db", None), getattr(args, "as_role", None))


def scope_of(args: argparse.Namespace) -> Scope:
    return Scope(year=getattr(args, "year", None), all_years=getattr(args, "all", False))


def statuses(
    services: Services, scope: Scope | None = None, *, offset: int = 0, limit: int | None = None
) -> list[RunStatus]:
    """The runs that can be shown; each one left out is named on stderr (still exit 0)."""
    problems: list[str] = []
    shown = services.statuses(problems=problems, scope=scope, offset=offset, limit=limit)
    for problem in problems:
        print(f"soptrack: peringatan: {one_line(problem)}", file=sys.stderr)
    return shown
