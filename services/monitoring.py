"""Monitoring and flow services shared by the CLI and the TUI: the SOP monitoring figures
from the stored runs, its .docx, and the text drawing of an SOP's or a run's flowchart.

Plain Python (no Textual, no rich): it reads through the same Services object as
tui/documents.py, and leaves printing and colours to the faces.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from soptrack.services.core import Services
from soptrack.services.documents import export_dir, save_document, target_path
from soptrack.services.labels import CURRENT, LATE, STATE_TEXT
from soptrack.sop.errors import BadInput, SoptrackError
from soptrack.sop.flow import layout
from soptrack.sop.flow_text import FlowText, StepMark, draw
from soptrack.sop.monitoring import DEFAULT_LATE_SHARE, Monitoring, monitor, months_before
from soptrack.sop.numbers import ascii_float
from soptrack.sop.run import StepState
from soptrack.sop.status import RunStatus
from soptrack.sop.workflow import check_run_matches

STATE_GLYPH = {state: text.split()[0] for state, text in STATE_TEXT.items()}


# -- flow -------------------------------------------------------------------------------------


def sop_flow(services: Services, sop_id: str, width: int = 100) -> FlowText:
    sop = services.catalog.get(sop_id)
    return draw(layout(sop), {s.number: s.label for s in sop.steps}, width)


def run_flow(status: RunStatus, width: int = 100) -> FlowText:
    """A run's flow: each step's symbol carries its state glyph, its label the state in
    words (KINI for the step the run waits on, TERLAMBAT when past its Mutu Baku)."""
    sop = status.sop
    marks = {}
    for step in status.steps:
        words = [STATE_TEXT[step.state]]
        if step.current:
            words.append(CURRENT)
        if step.late:
            words.append(LATE)
        style = "late" if step.late and step.state is not StepState.SELESAI else step.state.value
        marks[step.number] = StepMark(
            glyph=STATE_GLYPH[step.state] + " ",
            words=" ".join(words),
            style=style,
            current=step.current,
        )
    labels = {s.number: s.label for s in sop.steps}
    return draw(layout(sop), labels, width, marks)


# -- monitoring ----------------------------------------------------------------------------------


def parse_day(text: str | None, flag: str) -> date | None:
    if text is None or text == "":
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadInput(f"{flag} {text!r} bukan tanggal; tulis seperti 2026-06-01") from None


def parse_share(text: str | float | None) -> float:
    """'20', '20%' or '0.2' -> 0.2; the default (20%) when not given."""
    if text is None or text == "":
        return DEFAULT_LATE_SHARE
    raw = str(text).strip().rstrip("%").replace(",", ".")
    try:
        value = ascii_float(raw)  # as every number: 0-9, not '٢٠'
    except ValueError:
        raise BadInput(f"batas terlambat {text!r} bukan angka; tulis mis. 20 (persen)") from None
    share = value / 100 if value > 1 else value
    if not 0 <= share <= 1:
        raise BadInput(f"batas terlambat {text!r} harus antara 0 dan 100 persen")
    return share


def period(services: Services, start: date | None, end: date | None) -> tuple[date, date]:
    """The default period is the six months up to today, as the regulation asks."""
    end = end or services.clock().date()
    start = start or months_before(end, 6)
    if start > end:
        raise BadInput(f"--from {start.isoformat()} sesudah --to {end.isoformat()}")
    return start, end


def monitoring(
    services: Services,
    sop_id: str,
    start: date | None = None,
    end: date | None = None,
    *,
    late_share: float = DEFAULT_LATE_SHARE,
    problems: list[str] | None = None,
) -> Monitoring:
    """The figures over every stored run of the SOP. A run made under another shape of the
    SOP file is left out, its reason in `problems`, so it cannot skew the steps."""
    sop = services.catalog.get(sop_id)
    start, end = period(services, start, end)
    runs = []
    versions = {}
    # a damaged run (a hand edit) is left out with its reason, not the end of the figures
    for run in services.repo.list_runs(problems=problems if problems is not None else []):
        if run.sop_id != sop.id:
            continue
        try:
            # per step of the current SOP: a run of another shape cannot count; each run's
            # lateness is judged by the version it follows
            check_run_matches(run, sop)
            versions[run.id] = services.sop_of(run)
        except SoptrackError as exc:
            if problems is not None:
                problems.append(str(exc))
            continue
        runs.append(run)
    hours = services.office().hours
    return monitor(sop, runs, hours, start, end, late_share=late_share, versions=versions)


def export_monitoring(
    services: Services,
    result: Monitoring,
    output: Path | str | None = None,
    *,
    pdf: bool = False,
    paper: str = "A4",
    final: bool = False,
) -> list[Path]:
    from soptrack.exporters import monitoring as exporter
    from soptrack.exporters.docx_common import check_paper

    paper = check_paper(paper)
    sop = services.catalog.get(result.sop_id)
    doc = exporter.render(
        result, sop, services.office(), paper=paper, final=final, today=services.clock().date()
    )
    name = f"monitoring-{sop.id}-{result.start.isoformat()}-{result.end.isoformat()}.docx"
    return save_document(doc, target_path(output or export_dir(services), name, ".docx"), pdf)
