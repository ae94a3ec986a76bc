"""Arial text widths and line counts: what gives the flowchart rows their exact heights."""

from __future__ import annotations

from soptrack.exporters.text_metrics import lines, width_cm


def test_widths_follow_the_font_metrics() -> None:
    # "mmmm" is wider than "iiii"; bold is wider than regular
    assert width_cm("mmmm", 9) > 3 * width_cm("iiii", 9)
    assert width_cm("Bendahara", 7, bold=True) > width_cm("Bendahara", 7)
    # a-j at 10 pt: 4558/1000 em = 45.6 pt = 1.61 cm, plus the 6% safety
    assert abs(width_cm("abcdefghij", 10) - 1.704) < 0.01


def test_lines_wrap_words_greedily_and_break_long_words() -> None:
    assert lines("", 3, 9) == 1
    assert lines("satu dua", 10, 9) == 1
    assert lines("satu dua tiga empat lima enam tujuh delapan", 2, 9) >= 4
    assert lines("a\nb\nc", 5, 9) == 3
    assert lines("x" * 200, 2, 9) >= 5  # one word wider than the cell
