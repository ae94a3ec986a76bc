"""The box-drawing flowchart (sop.flow_text): symbols in their lane columns, arrows into
every step, the decision's Ya and Tidak, state words for a run, widths."""

from __future__ import annotations

from soptrack.sop.catalog import Catalog
from soptrack.sop.flow import layout
from soptrack.sop.flow_text import HEADER_LINES, LINES_PER_STEP, StepMark, draw

CATALOG = Catalog.load([])
PK = CATALOG.get("pengukuran-kinerja")
MR = CATALOG.get("monitoring-renstra")


def labels(sop):
    return {s.number: s.label for s in sop.steps}


def lane_of(drawing, sop, x: int) -> int:
    """The lane column a character position falls in, from the header's lane names."""
    header = drawing.lines[0]
    starts = [header.index(name[:4]) for name in (lane.name for lane in sop.lanes)]
    return max(i for i, start in enumerate(starts) if start <= x + 4)


def test_each_symbol_sits_in_its_lane_and_every_step_is_entered_by_an_arrow() -> None:
    for sop in (PK, MR):
        drawing = draw(layout(sop), labels(sop), 160)
        for row, step in enumerate(sop.steps):
            top = HEADER_LINES + row * LINES_PER_STEP
            assert drawing.step_lines[step.number] == top
            middle = drawing.lines[top + 1]
            label_end = middle.index(f"{step.number}. ") + 34
            found = [
                i
                for i in range(label_end, len(middle))
                if middle[i : i + len(str(step.number))] == str(step.number)
                and middle[i - 1] == " "
            ]
            lanes = {sop.lanes[lane_of(drawing, sop, i)].id for i in found}
            assert lanes == set(step.lanes), step.number
            if row:
                assert "▼" in drawing.lines[top], step.number
        assert sum(line.count("▼") for line in drawing.lines) == len(sop.steps) - 1


def test_the_decision_goes_on_with_ya_and_back_with_tidak() -> None:
    drawing = draw(layout(PK), labels(PK), 80)
    nine = drawing.step_lines[9] + 1
    eight = drawing.step_lines[8] + 1
    assert "❮" in drawing.lines[nine] and "Ya" in drawing.lines[nine]
    assert "▶" in drawing.lines[eight]  # Tidak enters step 8 from the side
    assert any("Tidak" in line for line in drawing.lines[eight:nine])
    assert drawing.width <= 80


def test_run_marks_write_the_state_and_mark_the_current_step() -> None:
    marks = {
        8: StepMark("▶ ", "▶ BERJALAN KINI", "berjalan", current=True),
        1: StepMark("✓ ", "✓ SELESAI", "selesai"),
    }
    drawing = draw(layout(PK), labels(PK), 100, marks)
    top = drawing.step_lines[8]
    assert "┏" in drawing.lines[top] and "▶ 8" in drawing.lines[top + 1]
    assert "▶ BERJALAN KINI" in drawing.lines[top + 2]
    assert "✓ 1" in drawing.lines[drawing.step_lines[1] + 1]
    styles = {span.style for span in drawing.spans}
    assert {"berjalan", "selesai", "label-yes", "label-no", "header"} <= styles


def test_narrow_widths_keep_every_lane() -> None:
    drawing = draw(layout(MR), labels(MR), 60)
    assert all(lane.name[:4] in drawing.lines[0] for lane in MR.lanes)
    text = drawing.text()
    assert "Tidak" not in text and "Ya" not in text  # RENSTRA has no decision
