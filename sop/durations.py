"""Durations as officials write them in the Waktu column of SOP-AP tables, and back.

SOP tables are typed by hand, so the same standard time appears as "15 Menit", "15menit",
"0,25 Jam" or a bare "15". The workflow rules need one exact number (whole minutes) to decide
lateness, so parsing is strict about meaning but lenient about spelling: anything that could be
read two ways is refused with a message that quotes the value, rather than guessed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from fractions import Fraction

__all__ = ["DurationError", "format_minutes", "parse_duration"]


class DurationError(ValueError):
    """A Waktu value that cannot be read as a duration.

    The message says what is wrong with the value itself; the caller knows the file and the
    step and prefixes them, so the message is useful both in a loader and in a form field.
    """


# Builds the error for a reason; the helpers raise what it returns so the value is quoted once.
_Fail = Callable[[str], DurationError]

# Canonical unit -> rank; a higher rank must come first ("1 hari 2 jam", never "2 jam 1 hari"),
# which is how durations are always written and makes typos such as "30 menit 1 jam" visible.
_RANK: dict[str, int] = {"hari": 2, "jam": 1, "menit": 0}

# Spellings accepted for each unit. Deliberately short: single letters ("m", "j") are too
# ambiguous (menit? minggu? bulan?) to accept silently.
_ALIASES: dict[str, str] = {"menit": "menit", "mnt": "menit", "jam": "jam", "hari": "hari"}

_UNITS_HINT = "use menit, jam or hari"

# Every character of the input falls into exactly one group, so scanning never skips text.
_TOKEN = re.compile(
    r"(?P<space>\s+)|(?P<num>[0-9]+(?:[.,][0-9]+)?)|(?P<word>[A-Za-z]+)|(?P<other>.)",
    re.DOTALL,
)

# More integer digits than this is absurd for any unit once minutes_per_day <= 1440, and
# bounding it keeps int() away from Python's huge-integer conversion limit (which would raise
# a plain ValueError instead of DurationError).
_MAX_INT_DIGITS = 9
# Three decimals are refused because "1.000 menit" is how Indonesians write one thousand; a
# thousands separator read as a decimal point would silently turn 1000 minutes into 1.
_MAX_DECIMALS = 2
_MAX_DAYS = 365
# Longest value quoted in an error message before it is cut with an ellipsis.
_MAX_QUOTED = 40


def parse_duration(text: str, *, bare_unit: str = "menit", minutes_per_day: int = 510) -> int:
    """Return the whole number of minutes (> 0) that `text` stands for.

    Accepted: "15 Menit", "15menit", "15 mnt", "1 Jam", "1,5 Jam", "1.5 jam", "2 Hari",
    "1 Jam 30 Menit", "1 hari 2 jam", and a single bare number such as "120", read in
    `bare_unit` ("menit", "jam" or "hari"). Units are case-insensitive, may be glued to the
    number, and must appear at most once each, largest first. A day ("hari") is a working day
    of `minutes_per_day` minutes, because SOP times count office time, not calendar time.

    Raises DurationError (and nothing else) for any string that is not such a duration: empty,
    zero, negative, unknown unit, a number without a unit, repeated or out-of-order units,
    a result that is not a whole number of minutes, or more than 365 working days.
    A bad `bare_unit` or `minutes_per_day` is a programming error and raises plain ValueError.
    """
    if bare_unit not in _ALIASES:
        raise ValueError(f"bare_unit must be one of menit, mnt, jam, hari, not {bare_unit!r}")
    if not 1 <= minutes_per_day <= 24 * 60:
        raise ValueError(f"minutes_per_day must be between 1 and 1440, not {minutes_per_day!r}")

    def fail(reason: str) -> DurationError:
        return DurationError(f"duration {_quote(text)}: {reason}")

    tokens = _tokenize(text, fail)
    if not tokens:
        raise fail(f"is empty ({_UNITS_HINT}, e.g. '15 menit')")

    per_unit = {"menit": 1, "jam": 60, "hari": minutes_per_day}
    if len(tokens) == 1 and tokens[0][0] == "num":
        parts = [(tokens[0][1], _ALIASES[bare_unit])]
    else:
        parts = _pair_up(tokens, fail)

    total = Fraction(0)
    seen: list[str] = []
    for number, unit in parts:
        if unit in seen:
            raise fail(f"unit {unit!r} appears more than once")
        if seen and _RANK[unit] > _RANK[seen[-1]]:
            raise fail(f"{unit!r} must come before {seen[-1]!r} (write hari, then jam, then menit)")
        seen.append(unit)
        total += _to_fraction(number, fail) * per_unit[unit]

    if total == 0:
        raise fail("must be more than zero")
    if total.denominator != 1:
        raise fail(f"is not a whole number of minutes ({float(total):g} minutes)")
    if total > _MAX_DAYS * minutes_per_day:
        raise fail(f"is longer than {_MAX_DAYS} working days")
    return int(total)


def format_minutes(minutes: int | float) -> str:
    """Render minutes compactly for tables: 15 -> "15 mnt", 90 -> "1 jam 30 mnt".

    Hours are the largest unit on purpose: a "hari" depends on the SOP's minutes_per_day, so
    "25 jam 30 mnt" is unambiguous where "3 hari" would not be. Floats (elapsed working time)
    are rounded half-up to whole minutes; negatives (e.g. time left once overdue) show as
    "0 mnt". NaN and +infinity are bugs upstream and raise ValueError.
    """
    if math.isnan(minutes) or minutes == math.inf:
        raise ValueError(f"cannot format {minutes!r} minutes")
    whole = math.floor(minutes + 0.5) if minutes > 0 else 0
    hours, rest = divmod(whole, 60)
    if hours == 0:
        return f"{rest} mnt"
    if rest == 0:
        return f"{hours} jam"
    return f"{hours} jam {rest} mnt"


def _quote(value: str) -> str:
    """repr() of `value`, shortened: a pasted paragraph should not flood the status line."""
    if len(value) > _MAX_QUOTED:
        value = value[: _MAX_QUOTED - 1] + "\u2026"
    return repr(value)


def _tokenize(text: str, fail: _Fail) -> list[tuple[str, str]]:
    """Split into ("num", "1,5") and ("word", "jam") tokens; refuse anything else."""
    tokens: list[tuple[str, str]] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        value = match.group()
        if kind == "space":
            continue
        if kind == "other":
            following = _TOKEN.match(text, match.end())
            if value in "-\u2212" and following is not None and following.lastgroup == "num":
                raise fail("must not be negative")
            raise fail(f"unexpected character {_quote(value)} ({_UNITS_HINT}, e.g. '15 menit')")
        assert kind is not None
        tokens.append((kind, value.lower() if kind == "word" else value))
    return tokens


def _pair_up(tokens: list[tuple[str, str]], fail: _Fail) -> list[tuple[str, str]]:
    """Turn alternating number/unit tokens into (number, canonical unit) pairs."""
    parts: list[tuple[str, str]] = []
    for index in range(0, len(tokens), 2):
        kind, value = tokens[index]
        if kind != "num":
            raise fail(
                f"is not a duration: expected a number before {_quote(value)} (e.g. '15 menit')"
            )
        if index + 1 >= len(tokens) or tokens[index + 1][0] != "word":
            raise fail(f"number {_quote(value)} has no unit ({_UNITS_HINT})")
        word = tokens[index + 1][1]
        if word not in _ALIASES:
            raise fail(f"unknown unit {_quote(word)} ({_UNITS_HINT})")
        parts.append((value, _ALIASES[word]))
    return parts


def _to_fraction(number: str, fail: _Fail) -> Fraction:
    """Read "1,5" or "1.5" exactly; floats would make 0,1 jam not quite 6 minutes."""
    whole, _, decimals = number.replace(",", ".").partition(".")
    if len(whole.lstrip("0")) > _MAX_INT_DIGITS:
        raise fail(f"is longer than {_MAX_DAYS} working days")
    if len(decimals) > _MAX_DECIMALS:
        raise fail(
            f"{_quote(number)} has more than {_MAX_DECIMALS} decimals"
            " (write thousands without a separator, e.g. '1000 menit')"
        )
    value = Fraction(int(whole))
    if decimals:
        value += Fraction(int(decimals), 10 ** len(decimals))
    return value
