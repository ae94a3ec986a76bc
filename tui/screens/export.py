"""`e` on the board: choose a document of the run to export (and whether a PDF too).

The dialog only chooses; the board runs services.documents.export in a worker thread (python-docx
and LibreOffice take their time) and shows the files written.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, OptionList, Static
from textual.widgets.option_list import Option

from soptrack.services.core import Services
from soptrack.sop.documents import BY_ID, DocumentKind
from soptrack.sop.errors import SoptrackError
from soptrack.tui.store_calls import say_missing_backups


class ExportDialog(ModalScreen[tuple[str, bool] | None]):
    """Returns (kind, pdf) or None. Offers the documents the run's SOP declares, then its
    sheet (soptrack.sop.documents)."""

    BINDINGS = [
        Binding("escape", "cancel", "Batal", id="cancel"),
        Binding("f", "toggle_pdf", "Juga PDF", id="export-pdf"),
    ]

    def __init__(self, run_id: str, kinds: Sequence[DocumentKind]) -> None:
        super().__init__(classes="dialog-screen")
        self.run_id = run_id
        self.kinds = tuple(kinds)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog export"):
            yield Static(f"Ekspor dokumen run {self.run_id}", classes="dialog-title")
            yield OptionList(
                *(Option(f"{n}. {k.label}", id=k.id) for n, k in enumerate(self.kinds, 1)),
                id="export-kind",
            )
            yield Checkbox("Juga PDF (lewat LibreOffice, bisa beberapa detik)", id="export-pdf")
            yield Static(
                "↑↓ pilih · Enter ekspor · f PDF ya/tidak · Esc batal\n"
                "File ditulis di folder tempat soptrack dijalankan.",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        options = self.query_one("#export-kind", OptionList)
        options.highlighted = 0
        options.focus()

    def action_toggle_pdf(self) -> None:
        self.query_one("#export-pdf", Checkbox).toggle()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        pdf = self.query_one("#export-pdf", Checkbox).value
        self.dismiss((str(event.option.id), pdf))

    def action_cancel(self) -> None:
        self.dismiss(None)


def export_in_worker(app: App[Any], services: Services, run_id: str, kind: str, pdf: bool) -> None:
    """Run services.documents.export in a thread (python-docx and LibreOffice take their time);
    the files written, or the reason it was refused, arrive as a notification."""
    label = BY_ID[kind].label
    if any(w.group == "export" and not w.is_finished for w in app.workers):
        app.notify("Ekspor sebelumnya masih berjalan; tunggu sebentar.", severity="warning")
        return

    def job() -> None:
        from soptrack.services import documents  # python-docx: only once something is exported

        try:
            paths = documents.export(services, run_id, kind, pdf=pdf)
        except SoptrackError as exc:
            app.call_from_thread(
                app.notify, str(exc), severity="error", title=f"{label} tidak dibuat"
            )
            return
        except Exception as exc:  # noqa: BLE001 - a bug must not kill the app silently
            app.call_from_thread(
                app.notify,
                f"{type(exc).__name__}: {exc}",
                severity="error",
                title=f"{label} gagal",
            )
            return
        lines = "\n".join(str(path) for path in paths)
        app.call_from_thread(remember, paths)
        app.call_from_thread(
            app.notify, f"Ditulis:\n{lines}", title=f"{label} {run_id}", timeout=10
        )
        # its letter number's write, made without a backup, is said as any write's (after)
        app.call_from_thread(say_missing_backups, app)

    def remember(paths: list[Path]) -> None:
        """The last export stays on the board's header, not only in a notification that
        wraps and vanishes."""
        state = getattr(app, "state", None)
        if state is not None:  # this run's, with the PDF beside it named by its suffix
            more = "".join(f" + {path.suffix}" for path in paths[1:])
            state.exports[run_id] = f"{paths[0]}{more}"
        show = getattr(app.screen, "_show_header", None)
        if show is not None:
            show()

    app.notify(f"Membuat {label}{' dan PDF' if pdf else ''}…", timeout=3)
    app.run_worker(job, name=f"export-{kind}", group="export", thread=True)
