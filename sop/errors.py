"""Errors the user can act on, each with the exit code the command line promises."""

from __future__ import annotations

# The exit codes the command line documents (README): ok, a rule refused, bad input or a
# corrupt file, the database busy (StoreBusy in store/ carries 3).
EXIT_OK, EXIT_RULE, EXIT_INPUT, EXIT_BUSY = 0, 1, 2, 3


class SoptrackError(Exception):
    """Base of every error soptrack reports as one line instead of a traceback."""

    exit_code = EXIT_INPUT


class BadInput(SoptrackError):
    """The user gave something soptrack cannot use: a file, a flag, an id. Exit 2."""

    exit_code = EXIT_INPUT


class SopFileError(BadInput):
    """A SOP definition file that cannot be loaded; names the file and the place."""

    def __init__(self, path: str, where: str, message: str) -> None:
        self.path = path
        self.where = where
        self.message = message
        place = f"{path}: {where}: " if where else f"{path}: "
        super().__init__(place + message)


class RuleViolation(SoptrackError):
    """A transition the SOP's rules refuse (e.g. starting step 5 before step 4). Exit 1."""

    exit_code = EXIT_RULE
