"""Every command, and the app's start, fail the same way: one line on stderr with the
documented exit code (README: 0 ok, 1 rule, 2 bad input, 3 busy, 120 output lost), never
a traceback.

Kept apart from the parser so that opening the app does not build the whole command line.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from soptrack.sop.errors import EXIT_INPUT, EXIT_OK, SoptrackError
from soptrack.sop.text import printable

EXIT_OUTPUT_LOST = 120  # as Python's own exit gives when stdout cannot be flushed


class OutputLost(OSError):
    """stdout could not take the command's output (a full disk under `> file`; raised by
    cli.output's stream): said as such, for the command's change, if any, is made."""


def guarded(action: Callable[[], int]) -> int:
    """Run a command; a SoptrackError is one line and its exit code, never a traceback."""
    try:
        return action()
    except SoptrackError as exc:
        return fail(str(exc), exc.exit_code)
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:
        if isinstance(exc, OutputLost):
            return fail(f"keluaran tidak tertulis ({exc.strerror})", EXIT_OUTPUT_LOST)
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
