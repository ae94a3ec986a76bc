"""The board's header: which run, which SOP, how far, how long."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from soptrack.services.labels import STATE_TEXT, bar, minutes
from soptrack.sop.status import RunStatus


class RunHeader(Static):
    def show(self, status: RunStatus, *, demo: bool = False, extra: str = "") -> None:
        run = status.run
        text = Text()
        if demo:
            text.append(" CONTOH ", style="bold reverse")
            text.append(" ")
        text.append(run.title, style="bold")
        text.append(f"  {run.id} · {status.sop.name}\n")
        text.append(f"{bar(status.done, status.total)} {status.done}/{status.total}", style="bold")
        over = status.elapsed_minutes > status.standard_minutes
        text.append(
            f"  waktu {minutes(status.elapsed_minutes)} / baku {minutes(status.standard_minutes)}"
        )
        if over:
            text.append(" LEWAT", style="bold reverse")
        if status.late_count:
            text.append(f"  {status.late_count} terlambat", style="bold")
        current = status.current
        if current is None:
            text.append("  ✓ RUN SELESAI", style="bold")
        else:
            text.append("\nkini: ", style="bold")
            text.append(
                f"{current.number}. {current.label} · {STATE_TEXT[current.state]}"
                f" · menunggu {status.waiting_on}"
            )
        for warning in status.warnings:
            text.append("\n⚠ ", style="bold")
            text.append(warning, style="bold")
        if extra:
            text.append(f"\n{extra}", style="italic")
        self.update(text)
