"""How wide Arial text is, to give table rows exact heights without clipping their text.

The widths are the Helvetica advance widths (Arial and Liberation Sans share them), in
thousandths of the font size; anything not listed counts as a wide character. Word and
LibreOffice then wrap a cell's words greedily, as `lines` does.
"""

from __future__ import annotations

_WIDTHS: dict[str, int] = {
    " ": 278, "!": 278, '"': 355, "#": 556, "$": 556, "%": 889, "&": 667, "'": 191,
    "(": 333, ")": 333, "*": 389, "+": 584, ",": 278, "-": 333, ".": 278, "/": 278,
    ":": 278, ";": 278, "<": 584, "=": 584, ">": 584, "?": 556, "@": 1015, "[": 278,
    "\\": 278, "]": 278, "^": 469, "_": 556, "`": 333, "{": 334, "|": 260, "}": 334,
    "~": 584,
    **dict.fromkeys("0123456789", 556),
    "A": 667, "B": 667, "C": 722, "D": 722, "E": 667, "F": 611, "G": 778, "H": 722,
    "I": 278, "J": 500, "K": 667, "L": 556, "M": 833, "N": 722, "O": 778, "P": 667,
    "Q": 778, "R": 722, "S": 667, "T": 611, "U": 722, "V": 667, "W": 944, "X": 667,
    "Y": 667, "Z": 611,
    "a": 556, "b": 556, "c": 500, "d": 556, "e": 556, "f": 278, "g": 556, "h": 556,
    "i": 222, "j": 222, "k": 500, "l": 222, "m": 833, "n": 556, "o": 556, "p": 556,
    "q": 556, "r": 333, "s": 500, "t": 278, "u": 556, "v": 500, "w": 722, "x": 500,
    "y": 500, "z": 500,
}  # fmt: skip
_WIDE = 1000
_PT_PER_CM = 72 / 2.54
SAFETY = 1.06  # a little wider than the metrics: kerning, bold, rounding in the renderers


def width_cm(text: str, size: float, *, bold: bool = False) -> float:
    """Printed width of `text` at `size` points."""
    units = sum(_WIDTHS.get(char, _WIDE) for char in text)
    return units / 1000 * size * (1.08 if bold else 1.0) * SAFETY / _PT_PER_CM


def lines(text: str, room_cm: float, size: float, *, bold: bool = False) -> int:
    """Lines `text` takes in a cell whose text is `room_cm` wide: greedy word wrap, a word
    wider than the cell broken where it overflows."""
    space = width_cm(" ", size, bold=bold)
    total = 0
    for paragraph in text.split("\n"):
        count, used = 1, 0.0
        for word in paragraph.split():
            width = width_cm(word, size, bold=bold)
            if used and used + space + width > room_cm:
                count, used = count + 1, 0.0
            while width > room_cm:  # breaks inside the word
                count += 1
                width -= room_cm
            used += (space if used else 0.0) + width
        total += count
    return max(1, total)
