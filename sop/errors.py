"""Errors the user can act on, each with the exit code the command line promises."""

from __future__ import annotations


class SoptrackError(Exception):
    """Base of every error soptrack reports as one line instead of a traceback."""

    exit_code = 2


class BadInput(SoptrackError):
    """The user gave something soptrack cannot use: a file, a flag, an id. Exit 2."""

    exit_code = 2


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

    exit_code = 1
