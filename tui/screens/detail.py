"""Everything about one step of one run: the SOP's words, its state, notes and history."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from soptrack.services.labels import DECISION, LATE, STATE_TEXT, minutes
from soptrack.services.state import AppState
from soptrack.sop.errors import SoptrackError
from soptrack.sop.officetime import in_office
from soptrack.sop.run import ACTION_LABELS
from soptrack.sop.status import RunStatus
from soptrack.tui.store_calls import off_loop


def _when(value, zone: str = "") -> str:
    """A stored time as the office's clock shows it."""
    if not value:
        return "-"
    return (in_office(value, zone) if zone else value).strftime("%d-%m-%Y %H:%M")


def step_text(status: RunStatus, number: int) -> Text:
    sop = status.sop
    step = sop.step(number)
    info = next(s for s in status.steps if s.number == number)
    record = status.run.record(number)
    text = Text()

    def head(label: str) -> None:
        text.append(f"\n{label}\n", style="bold underline")

    def row(label: str, value: str) -> None:
        text.append(f"{label}: ", style="bold")
        text.append(f"{value}\n")

    text.append(f"Langkah {number} dari {len(sop.steps)}", style="bold")
    if step.is_decision:
        text.append(f"  {DECISION} (tidak → kembali ke langkah {step.return_to})", style="bold")
    text.append(f"\n{status.run.title} · {sop.name}\n")
    head("Kegiatan")
    text.append(step.kegiatan + "\n")
    row("Pelaksana", ", ".join(sop.lane(lane).name for lane in step.lanes))
    head("Mutu Baku")
    row("Kelengkapan", step.kelengkapan or "-")
    row("Waktu", f"{step.waktu} ({minutes(step.minutes)})")
    row("Output", step.output or "-")
    if step.keterangan:
        head("Keterangan")
        text.append(step.keterangan + "\n")
    head("Status")
    state = STATE_TEXT[record.state] + (f" {LATE}" if info.late else "")
    row("Status", state + ("  (langkah kini)" if info.current else ""))
    row("Oleh", f"{record.user} ({record.role})" if record.role else record.user or "-")
    row("Mulai", _when(record.started_at, status.zone))
    row("Selesai", _when(record.finished_at, status.zone))
    row("Waktu kerja", f"{minutes(info.worked_minutes)} dari baku {minutes(step.minutes)}")
    if record.revisions:
        row("Dikembalikan", f"{record.revisions} kali")
    head(f"Catatan ({len(record.notes)})")
    if not record.notes:
        text.append("belum ada catatan (tekan n di papan untuk menambah)\n")
    for note in record.notes:
        who = f"{note.user} ({note.role})" if note.role else note.user
        text.append(f"{_when(note.at, status.zone)} {who}: ", style="italic")
        text.append(note.text + "\n")
    entries = [e for e in status.run.history if e.step == number]
    head(f"Riwayat ({len(entries)})")
    if not entries:
        text.append("belum ada transisi\n")
    for entry in entries:
        who = f"{entry.user} ({entry.role})" if entry.role else entry.user
        text.append(f"#{entry.seq} {_when(entry.at, status.zone)} {who}: ", style="italic")
        text.append(
            f"{ACTION_LABELS[entry.action]}  {entry.from_state.value} → {entry.to_state.value}"
        )
        if entry.note:
            text.append(f"  “{entry.note}”")
        text.append("\n")
    return text


class StepDetailScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,enter,q", "close", "Tutup", id="detail-close"),
        Binding("up,k", "scroll(-1)", "Gulir", show=False, id="cursor-up"),
        Binding("down,j", "scroll(1)", "Gulir", show=False, id="cursor-down"),
    ]

    def __init__(
        self, state: AppState, run_id: str, number: int, status: RunStatus | None = None
    ) -> None:
        super().__init__(classes="dialog-screen")
        self.state = state
        self.run_id = run_id
        self.number = number
        self.status = status

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog detail"):
            with VerticalScroll(id="detail-scroll"):
                yield Static(id="detail-body")
            yield Static("↑↓ gulir · Esc/Enter tutup", classes="dialog-hint")

    def on_mount(self) -> None:
        self.state.subscribe(self.reload)
        if self.status is not None:  # the board's own, as fresh as the board: no store read
            self._show(self.status)
        else:
            self.reload()
        self.query_one("#detail-scroll").focus()

    def on_unmount(self) -> None:
        self.state.unsubscribe(self.reload)

    def reload(self) -> None:
        """Re-read the run in a thread (a colleague may hold the lock): keys stay live."""
        self.run_worker(self._load(), group="detail-load", exclusive=True)

    async def _load(self) -> None:
        state, run_id = self.state, self.run_id
        try:
            status = await off_loop(self, lambda: state.run_status(run_id))
        except SoptrackError as exc:
            self.app.notify(str(exc), severity="error")
            return
        self._show(status)

    def _show(self, status: RunStatus) -> None:
        self.query_one("#detail-body", Static).update(step_text(status, self.number))

    def action_scroll(self, dy: int) -> None:
        self.query_one("#detail-scroll", VerticalScroll).scroll_relative(y=dy, animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
