"""The `soptrack` command: the Textual app when no command is given (or `tui`, `open RUN`),
otherwise one command of the command line."""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import sys
import threading
from collections.abc import Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    import argparse

    from soptrack.services.core import Services


def command() -> NoReturn:
    """The `soptrack` executable and `python -m soptrack`: main(), then a quick exit."""
    try:
        code = main()
    except SystemExit as exc:
        # argparse leaves this way (--help, a wrong flag): its output is flushed and a
        # failed flush said with exit 120 like any command's, not lost behind exit 0
        code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    finish(code)


def finish(code: int) -> NoReturn:
    """Exit without tearing the interpreter down object by object. A command that read a
    large year file (`status RUN` at 2,000 runs parses 6.9 MB) left a million objects for
    the interpreter's final collection and deallocation: about 150-250 ms after the output,
    more than the command itself. The exit handlers still run (the replaced-file thread's
    drain, temporary folders) and the output is flushed; only the teardown is skipped.
    With another thread still running, the usual exit (which waits for it) is taken."""
    others = [t for t in threading.enumerate() if t is not threading.main_thread()]
    if any(t.is_alive() and not t.daemon for t in others):
        sys.exit(code)
    try:
        atexit._run_exitfuncs()  # as the interpreter would, in the same order
    finally:
        os._exit(_flushed(code))


def _flushed(code: int) -> int:
    """Flush stdout and stderr; the exit code to leave with: 120 when output was lost (as
    Python's own exit gives), said in one line unless the command said so already."""
    from soptrack.cli.guard import EXIT_OUTPUT_LOST

    lost = ""
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # started with the descriptor closed (`2>&-`, a daemon's)
            continue
        try:
            stream.flush()
        except BrokenPipeError:
            pass  # the reader left (`| head`): not an error, as for every command
        except OSError as exc:  # a full disk under `> file`
            lost = lost or exc.strerror or str(exc)
        except Exception as exc:  # noqa: BLE001 - a closed or odd stream: exit all the same
            lost = lost or str(exc)
    if not lost or code == EXIT_OUTPUT_LOST:
        return code
    with contextlib.suppress(Exception):
        print(f"soptrack: keluaran tidak tertulis ({lost})", file=sys.__stderr__, flush=True)
    return code or EXIT_OUTPUT_LOST


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


def app_request(words: Sequence[str]) -> SimpleNamespace | None:
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
        # a SimpleNamespace: argparse (and gettext behind it) are not imported for the app
        return SimpleNamespace(command=rest[0] if rest else None, run=None, **options)
    if len(rest) == 2 and rest[0] == "open":
        return SimpleNamespace(command="open", run=rest[1], **options)
    return None


def _open_app(args: argparse.Namespace | SimpleNamespace) -> int:
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
