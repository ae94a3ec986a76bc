"""Store work off the event loop: a write may wait up to the lock timeout while a colleague
writes, and a reload parses the whole file; neither may freeze the screen.

`off_loop(widget, fn)` runs `fn` in a thread worker and returns its result (or raises its
error) to the awaiting handler. While it takes longer than a moment, `waiting` is called with
True (show "menunggu kunci basis data..."), and with False when it is done.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from textual.dom import DOMNode
from textual.worker import WorkerFailed

from soptrack.services.notices import backup_warnings

T = TypeVar("T")
WAITING_TEXT = "menunggu kunci basis data..."
SHOW_AFTER_SECONDS = 0.3


async def off_loop(
    widget: DOMNode, fn: Callable[[], T], waiting: Callable[[bool], None] | None = None
) -> T:
    timer = widget.set_timer(SHOW_AFTER_SECONDS, lambda: waiting(True)) if waiting else None
    worker = widget.run_worker(fn, thread=True, group="store", exit_on_error=False)
    try:
        await worker.wait()
    except WorkerFailed as failed:
        raise failed.error from None
    finally:
        if timer is not None:
            timer.stop()
        if waiting is not None:
            waiting(False)
        say_missing_backups(widget)
    return worker.result  # type: ignore[return-value]


def say_missing_backups(widget: DOMNode) -> None:
    """A write made without its backup (store.backups) is said after the caller's own
    notice: the app shows one notification at a time, and this one must not be replaced by
    "Langkah 2 dimulai." the moment it appears."""
    warnings = backup_warnings()
    if not warnings:
        return
    app = widget.app

    def say() -> None:
        for warning in warnings:
            app.notify(warning, severity="warning", title="Cadangan", timeout=15)

    app.call_later(say)
