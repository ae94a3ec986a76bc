"""`e` on the board: choose a document of the run to export (and whether a PDF too).

The dialog only chooses; the board runs tui.documents.export in a worker thread (python-docx
and LibreOffice take their time) and shows the files written.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, OptionList, Static
from textual.widgets.option_list import Option

PK_SOP_ID = "pengukuran-kinerja"  # the same id as tui.documents.PK_SOP_ID (not imported here)

# (kind for documents.export, label): the order of the dialog and the palette.
DOCUMENTS: tuple[tuple[str, str], ...] = (
    ("pk", "Dokumen Pengukuran Kinerja"),
    ("pengantar", "Surat pengantar"),
    ("sop", "Lembar SOP"),
)
LABELS = dict(DOCUMENTS)


class ExportDialog(ModalScreen[tuple[str, bool] | None]):
    """Returns (kind, pdf) or None. A run of another SOP starts on "Lembar SOP"; the other
    two stay selectable so the reason they cannot be made is shown, not hidden."""

    BINDINGS = [
        Binding("escape", "cancel", "Batal"),
        Binding("f", "toggle_pdf", "Juga PDF"),
    ]

    def __init__(self, run_id: str, sop_id: str, sop_name: str) -> None:
        super().__init__(classes="dialog-screen")
        self.run_id = run_id
        self.sop_id = sop_id
        self.sop_name = sop_name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog export"):
            yield Static(f"Ekspor dokumen run {self.run_id}", classes="dialog-title")
            if self.sop_id != PK_SOP_ID:
                yield Static(
                    f"Run ini memakai {self.sop_name}: dokumen kinerja dan surat pengantar "
                    "hanya untuk SOP Pengukuran Kinerja.",
                    classes="dialog-hint",
                )
            yield OptionList(
                *(Option(f"{n}. {label}", id=kind) for n, (kind, label) in enumerate(DOCUMENTS, 1)),
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
        options.highlighted = 0 if self.sop_id == PK_SOP_ID else len(DOCUMENTS) - 1
        options.focus()

    def action_toggle_pdf(self) -> None:
        self.query_one("#export-pdf", Checkbox).toggle()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        pdf = self.query_one("#export-pdf", Checkbox).value
        self.dismiss((str(event.option.id), pdf))

    def action_cancel(self) -> None:
        self.dismiss(None)
