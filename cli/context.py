"""What every command handler starts from: the services for the flags it was given."""

from __future__ import annotations

import argparse
import sys

from soptrack.services.core import Services, open_services
from soptrack.sop.status import RunStatus


def services_for(args: argparse.Namespace) -> Services:
    """Flag, environment and config files, in that order (see services.config)."""
    return open_services(getattr(args, "db", None), getattr(args, "as_role", None))


def statuses(services: Services) -> list[RunStatus]:
    """The runs that can be shown; each one left out is named on stderr (still exit 0)."""
    problems: list[str] = []
    shown = services.statuses(problems=problems)
    for problem in problems:
        print(f"soptrack: peringatan: {problem}", file=sys.stderr)
    return shown
