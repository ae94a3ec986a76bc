"""Parsing the Waktu column: every form officials write, and every way it can be wrong."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from soptrack.sop.durations import DurationError, format_minutes, parse_duration

# The Waktu values of the bundled seed SOPs, as typed in the source documents.
SEED_VALUES = [
    ("15 Menit", 15),
    ("1 Jam", 60),
    ("25 Menit", 25),
    ("30 menit", 30),
    ("2 Jam", 120),
    ("3 Jam", 180),
    ("40 Menit", 40),
    ("10 menit", 10),
    ("15 menit", 15),
    ("10", 10),
    ("120", 120),
    ("480", 480),
]


@pytest.mark.parametrize(("text", "minutes"), SEED_VALUES)
def test_seed_values(text: str, minutes: int) -> None:
    assert parse_duration(text) == minutes


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("15 Menit", 15),
        ("15 MENIT", 15),
        ("15menit", 15),
        ("15 mnt", 15),
        ("15 Mnt", 15),
        ("15mnt", 15),
        ("  15   menit  ", 15),
        ("15\u00a0Menit", 15),  # non-breaking space, common in Word tables
        ("15\tmenit\n", 15),
        ("1 Jam", 60),
        ("1jam", 60),
        ("1 Jam 30 Menit", 90),
        ("1jam30menit", 90),
        ("1 jam 30 mnt", 90),
        ("1,5 Jam", 90),
        ("1.5 jam", 90),
        ("1,5jam", 90),
        ("0,25 jam", 15),
        ("0.5 Jam", 30),
        ("1,5 jam 15 menit", 105),
        ("2 Hari", 1020),
        ("1 hari 2 jam", 630),
        ("1 Hari 1 Jam 1 Menit", 571),
        ("0,5 hari", 255),
        ("1 jam 0 menit", 60),
        ("015 menit", 15),
        ("365 hari", 365 * 510),
    ],
)
def test_accepted_forms(text: str, minutes: int) -> None:
    assert parse_duration(text) == minutes


def test_hari_uses_minutes_per_day() -> None:
    assert parse_duration("2 hari", minutes_per_day=480) == 960
    assert parse_duration("1 hari 30 menit", minutes_per_day=450) == 480


@pytest.mark.parametrize(
    ("text", "bare_unit", "minutes"),
    [
        ("120", "menit", 120),
        ("2", "jam", 120),
        ("1,5", "jam", 90),
        ("1", "hari", 510),
        ("1.5", "hari", 765),
        ("15", "mnt", 15),
    ],
)
def test_bare_number_uses_bare_unit(text: str, bare_unit: str, minutes: int) -> None:
    assert parse_duration(text, bare_unit=bare_unit) == minutes


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("0", "more than zero"),
        ("0 menit", "more than zero"),
        ("0 jam 0 menit", "more than zero"),
        ("0,0 jam", "more than zero"),
        ("-15 menit", "negative"),
        ("\u221215 menit", "negative"),
        ("-1", "negative"),
        ("15 detik", "unknown unit 'detik'"),
        ("2 minggu", "unknown unit 'minggu'"),
        ("15 m", "unknown unit 'm'"),
        ("15 menitan", "unknown unit 'menitan'"),
        ("sebentar", "not a duration"),
        ("menit", "not a duration"),
        ("jam 1", "not a duration"),
        ("1 jam 2 jam", "more than once"),
        ("1 menit 2 mnt", "more than once"),
        ("30 menit 1 jam", "must come before"),
        ("2 jam 1 hari", "must come before"),
        ("1 jam 30", "has no unit"),
        ("1 2 jam", "has no unit"),
        ("10 20", "has no unit"),
        ("0,3 menit", "whole number of minutes"),
        ("1,01 jam", "whole number of minutes"),
        ("1,5 menit", "whole number of minutes"),
        ("366 hari", "365 working days"),
        ("9000 jam", "365 working days"),
        ("99999999999999999999999 menit", "365 working days"),
        ("9" * 5000 + " menit", "365 working days"),
        ("1.000 menit", "decimals"),
        ("15 menit.", "unexpected character '.'"),
        ("1,,5 jam", "unexpected character ','"),
        ("15 menit / 1 jam", "unexpected character '/'"),
        ("\u0661\u0665 menit", "unexpected character"),  # Arabic-Indic digits
        ("\u00b115 menit", "unexpected character"),
    ],
)
def test_errors(text: str, fragment: str) -> None:
    with pytest.raises(DurationError) as caught:
        parse_duration(text)
    message = str(caught.value)
    assert fragment in message
    assert message.startswith("duration ")


def test_error_quotes_the_value() -> None:
    with pytest.raises(DurationError, match="'15 detik'"):
        parse_duration("15 detik")


def test_error_quote_is_shortened_for_long_values() -> None:
    with pytest.raises(DurationError) as caught:
        parse_duration("x" * 1000)
    assert len(str(caught.value)) < 200


def test_duration_error_is_a_value_error() -> None:
    assert issubclass(DurationError, ValueError)


def test_bad_keyword_arguments_are_programming_errors() -> None:
    with pytest.raises(ValueError, match="bare_unit"):
        parse_duration("10", bare_unit="detik")
    with pytest.raises(ValueError, match="minutes_per_day"):
        parse_duration("1 hari", minutes_per_day=0)


@given(st.text())
def test_any_text_is_a_positive_int_or_duration_error(text: str) -> None:
    try:
        minutes = parse_duration(text)
    except DurationError:
        return
    assert type(minutes) is int
    assert minutes > 0


@given(st.text(alphabet="0123456789,. -jamenithrJMENITHAR\u00a0", max_size=30))
def test_near_miss_text_is_a_positive_int_or_duration_error(text: str) -> None:
    try:
        minutes = parse_duration(text)
    except DurationError:
        return
    assert type(minutes) is int
    assert 0 < minutes <= 365 * 510


@given(
    st.integers(min_value=0, max_value=100),
    st.integers(min_value=0, max_value=23),
    st.integers(min_value=0, max_value=59),
)
def test_composed_durations_add_up(days: int, hours: int, minutes: int) -> None:
    parts = [f"{days} hari"] if days else []
    parts += [f"{hours} jam"] if hours else []
    parts += [f"{minutes} menit"] if minutes else []
    expected = days * 510 + hours * 60 + minutes
    if not parts:
        return
    assert parse_duration(" ".join(parts)) == expected


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (0, "0 mnt"),
        (1, "1 mnt"),
        (15, "15 mnt"),
        (59, "59 mnt"),
        (60, "1 jam"),
        (90, "1 jam 30 mnt"),
        (120, "2 jam"),
        (1530, "25 jam 30 mnt"),
        (-5, "0 mnt"),
        (-0.4, "0 mnt"),
        (-math.inf, "0 mnt"),
        (14.4, "14 mnt"),
        (14.5, "15 mnt"),
        (59.5, "1 jam"),
        (89.6, "1 jam 30 mnt"),
        (0.4, "0 mnt"),
    ],
)
def test_format_minutes(minutes: float, text: str) -> None:
    assert format_minutes(minutes) == text


@pytest.mark.parametrize("minutes", [math.nan, math.inf])
def test_format_minutes_refuses_non_finite(minutes: float) -> None:
    with pytest.raises(ValueError):
        format_minutes(minutes)


@given(st.integers(min_value=1, max_value=365 * 510))
def test_format_then_parse_round_trips(minutes: int) -> None:
    assert parse_duration(format_minutes(minutes)) == minutes
