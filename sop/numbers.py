"""Numbers as soptrack reads them from a command line, a setting or a file.

Python's int(), float() and Decimal() read every script's decimal digits ('٣' is 3, '٢٠٢٦' is
2026) while '²', which str.isdigit() calls a digit, fails them: the same mistyped key gave a
step number, a year or a NIP stored as other digits (a NIP goes into signed letters as
typed) or an error, depending on the field. One rule: a number is written in ASCII (0-9),
and anything else is refused the way '²' is.

A number must also be finite and of a size an office counts in: float() reads '1e309' as
infinity (stored as 'Infinity', which is not JSON for any other reader) and 32 nines as
1e32, printed as a 33-digit realisasi and a capaian of 1e35 %.
"""

from __future__ import annotations

import math

# Above any amount a Dinas writes (Rp 1.000 triliun) and below 2**53, where a float stops
# holding every whole rupiah.
MAX_MAGNITUDE = 1e15
MAX_MAGNITUDE_TEXT = "1.000.000.000.000.000"


def ascii_digits(text: str) -> bool:
    """True for a non-empty run of 0-9 (str.isdigit() also takes '²' and '٣')."""
    return text.isascii() and text.isdigit()


def ascii_int(text: str) -> int:
    """int() of a number written in ASCII: ValueError for '٣' as for '²'."""
    if not text.isascii():
        raise ValueError(f"invalid literal for int() with base 10: {text!r}")
    return int(text)


def ascii_float(text: str) -> float:
    """float() of a number written in ASCII: ValueError for '١٢٠' as for '²'."""
    if not text.isascii():
        raise ValueError(f"could not convert string to float: {text!r}")
    return float(text)


def sane(value: float) -> bool:
    """Finite and smaller than MAX_MAGNITUDE: nan, inf and 1e32 are not amounts."""
    return math.isfinite(value) and abs(value) < MAX_MAGNITUDE
