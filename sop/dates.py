"""Indonesian dates written out in full, without relying on the system locale."""

from __future__ import annotations

from datetime import date, datetime

from soptrack.sop.worktime import DAY_NAMES

MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
DAYS = tuple(name.capitalize() for name in DAY_NAMES)
ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def month_name(month: int) -> str:
    return MONTHS[month - 1]


def roman_month(month: int) -> str:
    return ROMAN_MONTHS[month - 1]


def day_name(value: date | datetime) -> str:
    return DAYS[_as_date(value).weekday()]


def long_date(value: date | datetime) -> str:
    """25 November 2026"""
    d = _as_date(value)
    return f"{d.day} {month_name(d.month)} {d.year}"


def full_date(value: date | datetime) -> str:
    """Rabu, 25 November 2026"""
    return f"{day_name(value)}, {long_date(value)}"


_UNITS = (
    "",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
    "sepuluh",
    "sebelas",
)


def terbilang(n: int) -> str:
    """A whole number in Indonesian words: 12 -> 'dua belas', 0 -> 'nol'."""
    if n < 0:
        return "minus " + terbilang(-n)
    if n == 0:
        return "nol"
    return _words(n).strip()


def _words(n: int) -> str:
    if n < 12:
        return _UNITS[n]
    if n < 20:
        return f"{_UNITS[n - 10]} belas"
    if n < 100:
        return f"{_UNITS[n // 10]} puluh {_words(n % 10)}".strip()
    if n < 200:
        return f"seratus {_words(n - 100)}".strip()
    if n < 1000:
        return f"{_UNITS[n // 100]} ratus {_words(n % 100)}".strip()
    if n < 2000:
        return f"seribu {_words(n - 1000)}".strip()
    for size, name in ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"), (1000, "ribu")):
        if n >= size:
            return f"{_words(n // size)} {name} {_words(n % size)}".strip()
    raise AssertionError(n)  # pragma: no cover


BLANK_DAY_MONTH = "............"


def konsep_date(year: int) -> str:
    """A konsep leaves the day and month blank for the day it is signed: '............ 2026'."""
    return f"{BLANK_DAY_MONTH} {year}"
