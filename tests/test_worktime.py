"""Working time: office hours, weekends and holidays decide lateness, not the wall clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from soptrack.sop.worktime import DAY_NAMES, OfficeHours, add_working_minutes, working_minutes

DEFAULT = OfficeHours.default()
WITA = timezone(timedelta(hours=8))
WIB = timezone(timedelta(hours=7))

# 2026-01-09 is a Friday; 2026-01-12 the Monday after.
FRI = date(2026, 1, 9)
SAT = date(2026, 1, 10)
SUN = date(2026, 1, 11)
MON = date(2026, 1, 12)
TUE = date(2026, 1, 13)


def at(day: date, hh: int, mm: int = 0, tz: timezone | None = None) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=tz)


def brute_force_minutes(start: datetime, end: datetime, hours: OfficeHours) -> int:
    """Independent oracle: count each whole minute whose start lies in office time."""
    count = 0
    moment = start
    while moment < end:
        window = None if moment.date() in hours.holidays else hours.windows[moment.weekday()]
        if window is not None and window[0] <= moment.time() < window[1]:
            count += 1
        moment += timedelta(minutes=1)
    return count


# --- OfficeHours ----------------------------------------------------------------------------


def test_default_is_monday_to_friday_0730_to_1600() -> None:
    assert DEFAULT.windows[:5] == ((time(7, 30), time(16, 0)),) * 5
    assert DEFAULT.windows[5:] == (None, None)
    assert DEFAULT.holidays == frozenset()


def test_office_hours_is_hashable_and_frozen() -> None:
    assert hash(DEFAULT) == hash(OfficeHours.default())
    with pytest.raises(AttributeError):
        DEFAULT.holidays = frozenset()  # type: ignore[misc]


def test_from_mapping_to_mapping_round_trip() -> None:
    mapping = {
        "senin": "07:30-16:00",
        "selasa": "07:30-16:00",
        "rabu": "07:30-16:00",
        "kamis": "07:30-16:00",
        "jumat": "07:30-16:30",
        "sabtu": "08:00-12:00",
        "minggu": "-",
    }
    hours = OfficeHours.from_mapping(mapping, holidays=["2026-12-25", "2026-08-17"])
    assert hours.to_mapping() == mapping
    assert hours.holiday_strings() == ["2026-08-17", "2026-12-25"]
    again = OfficeHours.from_mapping(hours.to_mapping(), hours.holiday_strings())
    assert again == hours


def test_default_to_mapping() -> None:
    assert DEFAULT.to_mapping() == {
        "senin": "07:30-16:00",
        "selasa": "07:30-16:00",
        "rabu": "07:30-16:00",
        "kamis": "07:30-16:00",
        "jumat": "07:30-16:00",
        "sabtu": "-",
        "minggu": "-",
    }
    assert OfficeHours.from_mapping(DEFAULT.to_mapping()) == DEFAULT


def test_from_mapping_lenient_spelling() -> None:
    hours = OfficeHours.from_mapping(
        {
            "Senin": " 07.30 - 16.00 ",
            "SELASA": "7:30-16:00",
            "rabu": "07:30\u201316:00",
            "kamis": "07:30-16:00",
            "Jum'at": "07:30-16:00",
            "sabtu": "",
        }
    )
    assert hours == DEFAULT


def test_from_mapping_missing_days_are_off() -> None:
    hours = OfficeHours.from_mapping({"rabu": "08:00-12:00"})
    assert hours.windows == (None, None, (time(8), time(12)), None, None, None, None)


def test_from_mapping_ahad_is_sunday() -> None:
    hours = OfficeHours.from_mapping({"ahad": "08:00-12:00"})
    assert hours.windows[6] == (time(8), time(12))


@pytest.mark.parametrize(
    ("mapping", "holidays", "fragment"),
    [
        ({"senen": "07:30-16:00"}, (), "hari 'senen' tidak dikenal"),
        ({"monday": "07:30-16:00"}, (), "tidak dikenal"),
        ({"senin": "07:30-16:00", "Senin": "08:00-12:00"}, (), "dua kali"),
        ({"jumat": "07:30-16:00", "jum'at": "08:00-12:00"}, (), "dua kali"),
        ({"senin": "16:00-07:30"}, (), "tutup sebelum buka"),
        ({"senin": "08:00-08:00"}, (), "tutup sebelum buka"),
        ({"senin": "07:30-25:00"}, (), "tidak mungkin"),
        ({"senin": "07:61-16:00"}, (), "tidak mungkin"),
        ({"senin": "07:30"}, (), "bukan jam kerja"),
        ({"senin": "pagi"}, (), "bukan jam kerja"),
        ({"senin": "07:30-16:00-17:00"}, (), "bukan jam kerja"),
        ({}, ["25-12-2026"], "libur '25-12-2026'"),
        ({}, ["natal"], "bukan tanggal ISO"),
        ({}, "2026-12-25", "daftar tanggal ISO"),
    ],
)
def test_from_mapping_errors(
    mapping: dict[str, str], holidays: list[str] | str, fragment: str
) -> None:
    with pytest.raises(ValueError, match=fragment):
        OfficeHours.from_mapping(mapping, holidays)


def test_error_names_the_day() -> None:
    with pytest.raises(ValueError, match="^kamis: "):
        OfficeHours.from_mapping({"kamis": "16:00-07:30"})


def test_constructor_validates() -> None:
    with pytest.raises(ValueError, match="7 windows"):
        OfficeHours(windows=((time(8), time(16)),) * 5)
    with pytest.raises(ValueError, match="selasa"):
        OfficeHours(windows=(None, (time(16), time(8)), None, None, None, None, None))


def test_window_on_respects_holidays() -> None:
    hours = OfficeHours(windows=DEFAULT.windows, holidays=frozenset({MON}))
    assert hours.window_on(MON) is None
    assert hours.window_on(TUE) == (time(7, 30), time(16))
    assert hours.window_on(SAT) is None


def test_day_names_follow_weekday_numbers() -> None:
    assert DAY_NAMES[MON.weekday()] == "senin"
    assert DAY_NAMES[FRI.weekday()] == "jumat"
    assert DAY_NAMES[SUN.weekday()] == "minggu"


# --- working_minutes ------------------------------------------------------------------------


def test_friday_afternoon_to_monday_morning() -> None:
    assert working_minutes(at(FRI, 15, 55), at(MON, 7, 40), DEFAULT) == 15.0


def test_within_one_day() -> None:
    assert working_minutes(at(MON, 8), at(MON, 10, 30), DEFAULT) == 150.0


def test_clipped_to_opening_and_closing() -> None:
    assert working_minutes(at(MON, 6), at(MON, 8), DEFAULT) == 30.0
    assert working_minutes(at(MON, 15), at(MON, 20), DEFAULT) == 60.0
    assert working_minutes(at(MON, 0), at(TUE, 0), DEFAULT) == 510.0
    assert working_minutes(at(MON, 17), at(MON, 23), DEFAULT) == 0.0


def test_overnight() -> None:
    assert working_minutes(at(MON, 15), at(TUE, 8), DEFAULT) == 90.0


def test_spanning_a_weekend() -> None:
    assert working_minutes(at(FRI, 8), at(MON, 8), DEFAULT) == 480 + 30


def test_weekend_only_is_zero() -> None:
    assert working_minutes(at(SAT, 9), at(SAT, 15), DEFAULT) == 0.0
    assert working_minutes(at(SAT, 9), at(SUN, 15), DEFAULT) == 0.0


def test_holiday_counts_as_off() -> None:
    # 2026-12-25 (Christmas) is a Friday.
    hours = OfficeHours.from_mapping(DEFAULT.to_mapping(), ["2026-12-25"])
    start = datetime(2026, 12, 24, 15, 0)
    end = datetime(2026, 12, 28, 8, 0)
    assert working_minutes(start, end, hours) == 60 + 30
    assert working_minutes(start, end, DEFAULT) == 60 + 510 + 30
    christmas = datetime(2026, 12, 25, 9, 0)
    assert working_minutes(christmas, christmas + timedelta(hours=3), hours) == 0.0


def test_friday_until_1630_via_from_mapping() -> None:
    hours = OfficeHours.from_mapping(
        {
            "senin": "07:30-16:00",
            "selasa": "07:30-16:00",
            "rabu": "07:30-16:00",
            "kamis": "07:30-16:00",
            "jumat": "07:30-16:30",
        }
    )
    assert working_minutes(at(FRI, 16, 10), at(FRI, 16, 30), hours) == 20.0
    assert working_minutes(at(FRI, 15, 55), at(MON, 7, 40), hours) == 35 + 10
    assert working_minutes(at(FRI, 15, 55), at(MON, 7, 40), DEFAULT) == 15.0
    assert add_working_minutes(at(FRI, 16), 30, hours) == at(FRI, 16, 30)


def test_end_before_start_is_zero() -> None:
    assert working_minutes(at(MON, 10), at(MON, 9), DEFAULT) == 0.0
    assert working_minutes(at(MON, 10), at(MON, 10), DEFAULT) == 0.0


def test_seconds_give_fractional_minutes() -> None:
    start = datetime(2026, 1, 12, 8, 0, 0)
    assert working_minutes(start, start + timedelta(seconds=90), DEFAULT) == 1.5


def test_aware_datetimes_plus_0800() -> None:
    start = at(FRI, 15, 55, WITA)
    assert working_minutes(start, at(MON, 7, 40, WITA), DEFAULT) == 15.0
    # The same instant in UTC (Sunday 23:40) and in WIB (Monday 06:40) gives the same answer:
    # counting happens in the start's timezone.
    assert working_minutes(start, at(SUN, 23, 40, UTC), DEFAULT) == 15.0
    assert working_minutes(start, at(MON, 6, 40, WIB), DEFAULT) == 15.0


def test_aware_counts_in_start_timezone() -> None:
    # 08:00 WITA on a Monday is 07:00 WIB, before a WIB office opens.
    start_wita = at(MON, 8, 0, WITA)
    end_wita = at(MON, 9, 0, WITA)
    assert working_minutes(start_wita, end_wita, DEFAULT) == 60.0
    assert working_minutes(start_wita.astimezone(WIB), end_wita, DEFAULT) == 30.0


def test_mixing_naive_and_aware_is_refused() -> None:
    with pytest.raises(TypeError, match="naive"):
        working_minutes(at(MON, 8), at(MON, 9, tz=WITA), DEFAULT)


def test_years_long_span_is_fast_and_exact() -> None:
    start = datetime(2020, 1, 1)
    end = datetime(2030, 1, 1)
    weekdays = sum(
        1 for offset in range((end - start).days) if (start + timedelta(offset)).weekday() < 5
    )
    assert working_minutes(start, end, DEFAULT) == weekdays * 510


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=0, max_value=4 * 24 * 60),
    st.integers(min_value=0, max_value=3 * 24 * 60),
    st.sets(st.integers(min_value=0, max_value=8), max_size=3),
)
def test_matches_minute_by_minute_oracle(
    offset: int, length: int, holiday_offsets: set[int]
) -> None:
    base = datetime(2026, 1, 8)  # a Thursday, so spans cross a weekend
    holidays = frozenset(base.date() + timedelta(days=d) for d in holiday_offsets)
    hours = OfficeHours(windows=DEFAULT.windows, holidays=holidays)
    start = base + timedelta(minutes=offset)
    end = start + timedelta(minutes=length)
    assert working_minutes(start, end, hours) == brute_force_minutes(start, end, hours)


# --- add_working_minutes --------------------------------------------------------------------


def test_due_on_monday_after_friday_start() -> None:
    assert add_working_minutes(at(FRI, 15, 55), 15, DEFAULT) == at(MON, 7, 40)


def test_due_exactly_at_closing_is_same_day() -> None:
    assert add_working_minutes(at(FRI, 15, 55), 5, DEFAULT) == at(FRI, 16)


def test_start_outside_office_time_counts_from_next_opening() -> None:
    assert add_working_minutes(at(SAT, 10), 30, DEFAULT) == at(MON, 8)
    assert add_working_minutes(at(MON, 6), 30, DEFAULT) == at(MON, 8)
    assert add_working_minutes(at(MON, 18), 30, DEFAULT) == at(TUE, 8)


def test_add_skips_holidays() -> None:
    hours = OfficeHours(windows=DEFAULT.windows, holidays=frozenset({MON}))
    assert add_working_minutes(at(FRI, 15), 90, hours) == at(TUE, 8)


def test_add_zero_returns_start() -> None:
    assert add_working_minutes(at(SAT, 10), 0, DEFAULT) == at(SAT, 10)


def test_add_fractional_minutes() -> None:
    assert add_working_minutes(at(MON, 8), 1.5, DEFAULT) == datetime(2026, 1, 12, 8, 1, 30)


def test_add_keeps_timezone() -> None:
    due = add_working_minutes(at(FRI, 15, 55, WITA), 15, DEFAULT)
    assert due == at(MON, 7, 40, WITA)
    assert due.utcoffset() == timedelta(hours=8)


def test_add_many_weeks() -> None:
    # 100 weeks of working time from a Saturday lands 100 weeks later, first thing Monday.
    due = add_working_minutes(at(SAT, 10), 100 * 5 * 510 + 3, DEFAULT)
    assert due == at(MON + timedelta(weeks=100), 7, 33)


def test_add_refuses_office_hours_without_working_days() -> None:
    closed = OfficeHours(windows=(None,) * 7)
    with pytest.raises(ValueError, match="no working day"):
        add_working_minutes(at(MON, 8), 15, closed)
    assert working_minutes(at(MON, 8), at(TUE, 8), closed) == 0.0


@pytest.mark.parametrize("minutes", [-1, float("nan"), float("inf")])
def test_add_refuses_bad_minutes(minutes: float) -> None:
    with pytest.raises(ValueError, match="minutes"):
        add_working_minutes(at(MON, 8), minutes, DEFAULT)


def test_add_beyond_the_calendar_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="beyond the calendar"):
        add_working_minutes(datetime(9999, 12, 1), 10**9, DEFAULT)


hours_strategy = st.sampled_from(
    [
        DEFAULT,
        OfficeHours.from_mapping(
            {"senin": "08:00-12:00", "rabu": "13:00-17:30", "sabtu": "09:00-10:00"},
            ["2026-03-02", "2026-03-04", "2026-12-25", "2027-01-01"],
        ),
        OfficeHours.from_mapping(DEFAULT.to_mapping(), ["2026-08-17", "2026-12-25"]),
    ]
)
starts = st.datetimes(min_value=datetime(2025, 12, 1), max_value=datetime(2027, 2, 1)).map(
    lambda moment: moment.replace(second=0, microsecond=0)
)


@given(starts, st.integers(min_value=0, max_value=200_000), hours_strategy)
def test_add_then_count_round_trips(start: datetime, minutes: int, hours: OfficeHours) -> None:
    due = add_working_minutes(start, minutes, hours)
    assert due >= start
    assert working_minutes(start, due, hours) == minutes


@given(starts, st.integers(min_value=0, max_value=60 * 24 * 90), hours_strategy)
def test_count_then_add_gives_earliest_instant(
    start: datetime, length: int, hours: OfficeHours
) -> None:
    end = start + timedelta(minutes=length)
    elapsed = working_minutes(start, end, hours)
    due = add_working_minutes(start, elapsed, hours)
    assert due <= end
    assert working_minutes(due, end, hours) == 0.0


@given(starts, st.integers(min_value=1, max_value=10_000), st.sampled_from([WITA, WIB]))
def test_aware_round_trip(start: datetime, minutes: int, tz: timezone) -> None:
    aware = start.replace(tzinfo=tz)
    due = add_working_minutes(aware, minutes, DEFAULT)
    assert due.tzinfo is tz
    assert working_minutes(aware, due.astimezone(UTC), DEFAULT) == minutes


def _day_by_day(start: datetime, end: datetime, hours: OfficeHours) -> float:
    """The plain definition, one day at a time: the reference for the whole-week shortcut."""
    total = timedelta(0)
    day = start.date()
    while day <= end.date():
        window = hours.window_on(day)
        if window is not None:
            opens = max(start, datetime.combine(day, window[0]))
            closes = min(end, datetime.combine(day, window[1]))
            if closes > opens:
                total += closes - opens
        day += timedelta(days=1)
    return total / timedelta(minutes=1)


@given(
    st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31)),
    st.integers(min_value=0, max_value=400 * 24 * 60),
    st.lists(st.dates(min_value=date(2025, 1, 1), max_value=date(2029, 1, 1)), max_size=12),
)
def test_long_spans_with_holidays_match_the_day_by_day_count(start, minutes, holidays) -> None:
    hours = OfficeHours.from_mapping(
        {
            "senin": "07:30-16:00",
            "selasa": "07:30-16:00",
            "rabu": "07:30-16:00",
            "kamis": "07:30-16:00",
            "jumat": "07:30-16:30",
        },
        [d.isoformat() for d in holidays],
    )
    end = start + timedelta(minutes=minutes)
    assert working_minutes(start, end, hours) == pytest.approx(_day_by_day(start, end, hours))
