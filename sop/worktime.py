"""Working time: lateness counts office hours, not wall-clock time.

An SOP step of "1 Jam" started Friday at 15:55 is not late on Saturday morning: the office
is closed, so only the minutes inside office hours count. This module converts between wall
clock instants and minutes of office time for a configurable week and a list of holidays.

Office hours are wall-clock times of the office's own time zone (`OfficeHours.zone`, an
IANA name such as Asia/Makassar): the server's TZ and the offset a timestamp was written with
do not matter. Each opening window is measured as elapsed time, so a zone with daylight
saving counts real minutes. Without a zone (the bare domain functions), the start's timezone
is the office's.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from soptrack.sop.values import Value

__all__ = ["DAY_NAMES", "OfficeHours", "add_working_minutes", "working_minutes"]

# Indexed by datetime.weekday(): 0 is Monday (Senin).
DAY_NAMES: tuple[str, ...] = ("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu")
# Common alternative spellings people type in config files.
_DAY_ALIASES: dict[str, int] = {
    **{name: index for index, name in enumerate(DAY_NAMES)},
    "jum'at": 4,
    "ahad": 6,
}
_OFF_VALUES = frozenset({"", "-"})
# "07:30-16:00"; "07.30 – 16.00" is how the same hours appear in Indonesian letters.
# ASCII digits only: \d would read '٠٧:٣٠' as 07:30 (the form soptrack shows is 0-9)
_WINDOW = re.compile(r"([0-9]{1,2})[:.]([0-9]{2})\s*[-\u2013]\s*([0-9]{1,2})[:.]([0-9]{2})")
_MINUTE = timedelta(minutes=1)

Window = tuple[time, time]


@dataclass(frozen=True, repr=False, eq=False)
class OfficeHours(Value):
    """When an office works: one opening window per weekday, and the holidays it is closed.

    `windows` has seven entries indexed by `datetime.weekday()` (0 Monday .. 6 Sunday);
    None means the office is closed that day. A tuple (not a dict) keeps the value hashable
    and frozen, so it can sit inside other frozen definitions. Each window lies within one
    day (start < end); night shifts are not an SOP concern.
    """

    windows: tuple[Window | None, ...]
    holidays: frozenset[date] = frozenset()
    # IANA name of the office's time zone; "" counts in the start's own timezone
    zone: str = ""

    def __post_init__(self) -> None:
        """Reject malformed weeks early, so the arithmetic below can trust them."""
        if len(self.windows) != 7:
            raise ValueError(
                f"OfficeHours needs 7 windows (Monday..Sunday), got {len(self.windows)}"
            )
        for name, window in zip(DAY_NAMES, self.windows, strict=True):
            if window is None:
                continue
            start, end = window
            if start.tzinfo is not None or end.tzinfo is not None:
                raise ValueError(f"{name}: office hours are wall-clock times without a timezone")
            if not start < end:
                raise ValueError(f"{name}: closing time {end:%H:%M} is not after {start:%H:%M}")
        if not isinstance(self.holidays, frozenset):
            object.__setattr__(self, "holidays", frozenset(self.holidays))
        if self.zone:
            ZoneInfo(self.zone)  # an unknown name fails here, not in the middle of a count

    @property
    def tz(self) -> tzinfo | None:
        return ZoneInfo(self.zone) if self.zone else None

    @classmethod
    def default(cls) -> OfficeHours:
        """Monday to Friday 07:30-16:00, the usual hours of a regional government office."""
        weekday = (time(7, 30), time(16, 0))
        return cls(windows=(weekday,) * 5 + (None, None))

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, str], holidays: Iterable[str] = ()) -> OfficeHours:
        """Build from config text: {"senin": "07:30-16:00", ..., "sabtu": "-"}.

        Keys are Indonesian day names (case-insensitive; "jum'at" and "ahad" also accepted);
        a value of "" or "-" or a missing day means closed. Holidays are ISO dates
        ("2026-12-25"). Raises ValueError naming the offending key or value.
        """
        windows: list[Window | None] = [None] * 7
        seen: dict[int, str] = {}
        for key, value in mapping.items():
            name = key.strip().lower()
            if name not in _DAY_ALIASES:
                raise ValueError(f"hari {key!r} tidak dikenal (pakai {', '.join(DAY_NAMES)})")
            index = _DAY_ALIASES[name]
            if index in seen:
                raise ValueError(f"hari {key!r} ditulis dua kali (juga sebagai {seen[index]!r})")
            seen[index] = key
            windows[index] = _parse_window(key, value)
        return cls(windows=tuple(windows), holidays=frozenset(_parse_holidays(holidays)))

    def to_mapping(self) -> dict[str, str]:
        """The inverse of from_mapping for the days: all seven, "-" for a closed day.

        Holidays are not part of the mapping; see holiday_strings().
        """
        return {
            name: "-" if window is None else f"{window[0]:%H:%M}-{window[1]:%H:%M}"
            for name, window in zip(DAY_NAMES, self.windows, strict=True)
        }

    def holiday_strings(self) -> list[str]:
        """Holidays as sorted ISO dates, the `holidays` argument of from_mapping."""
        return [day.isoformat() for day in sorted(self.holidays)]

    def window_on(self, day: date) -> Window | None:
        """The opening window on `day`, or None if the office is closed (weekend, holiday)."""
        if day in self.holidays:
            return None
        return self.windows[day.weekday()]


def working_minutes(start: datetime, end: datetime, hours: OfficeHours) -> float:
    """Minutes of office time between `start` and `end` (0 if `end` <= `start`).

    Both datetimes must be naive or both aware. Aware ones are counted in the office's
    zone (`hours.zone`, else the start's timezone); each window's overlap is elapsed time,
    so a daylight-saving change inside a window counts the real minutes. Runs in O(days
    spanned). Example (default hours): Friday 15:55 to Monday 07:40 is 5 + 10 = 15.0 minutes.
    """
    begin, finish, tz = _same_wall_clock(start, end, hours.tz)
    if finish <= begin:
        return 0.0
    total = timedelta(0)
    day = begin.date()
    last = finish.date()
    while day <= last:
        if day > begin.date() and (last - day).days > 8:
            # whole weeks strictly inside the span count at once: status views add up the
            # elapsed time of every run, some of them spanning months
            weeks = ((last - day).days - 1) // 7
            until = day + timedelta(days=7 * weeks)
            total += weeks * _week(hours) - _holiday_time(hours, day, until)
            day = until
            continue
        window = hours.window_on(day)
        if window is not None:
            opens = max(begin, datetime.combine(day, window[0]))
            closes = min(finish, datetime.combine(day, window[1]))
            if closes > opens:
                total += _elapsed(opens, closes, tz)
        day += timedelta(days=1)
    return total / _MINUTE


def _elapsed(opens: datetime, closes: datetime, tz: tzinfo | None) -> timedelta:
    """Real time between two wall-clock instants of one day in `tz`."""
    if tz is None:
        return closes - opens
    return closes.replace(tzinfo=tz).astimezone(UTC) - opens.replace(tzinfo=tz).astimezone(UTC)


def _week(hours: OfficeHours) -> timedelta:
    return sum((_length(w) for w in hours.windows if w is not None), timedelta(0))


def _holiday_time(hours: OfficeHours, first: date, until: date) -> timedelta:
    """Office time the holidays in [first, until) take away from whole weeks."""
    total = timedelta(0)
    for holiday in hours.holidays:
        window = hours.windows[holiday.weekday()]
        if first <= holiday < until and window is not None:
            total += _length(window)
    return total


def add_working_minutes(start: datetime, minutes: float, hours: OfficeHours) -> datetime:
    """The instant at which `minutes` of office time have passed since `start`: a due time.

    Counting begins at the next opening if `start` is outside office hours. The result is the
    earliest such instant, so a step due exactly at closing time is due that day, not at the
    next opening; zero minutes returns `start` unchanged. The result carries the start's
    tzinfo. Raises ValueError for negative or non-finite minutes, for office hours without
    any working day (the count would never end), and for a due time beyond the calendar.
    """
    if not math.isfinite(minutes) or minutes < 0:
        raise ValueError(f"minutes must be a finite number >= 0, not {minutes!r}")
    if all(window is None for window in hours.windows):
        raise ValueError("office hours have no working day, so nothing can ever become due")
    if minutes == 0:
        return start
    if start.tzinfo is not None and hours.tz is not None:
        start = start.astimezone(hours.tz)
    try:
        due = _add_wall(start.replace(tzinfo=None), timedelta(minutes=minutes), hours)
    except OverflowError as error:
        raise ValueError(
            f"{minutes!r} working minutes from {start} is beyond the calendar"
        ) from error
    return due.replace(tzinfo=start.tzinfo)


def _add_wall(cursor: datetime, remaining: timedelta, hours: OfficeHours) -> datetime:
    """add_working_minutes on naive wall time; `remaining` > 0 and some day works."""
    week = sum((_length(w) for w in hours.windows if w is not None), timedelta(0))
    last_holiday = max(hours.holidays, default=date.min)
    day = cursor.date()
    while True:
        # Past the last holiday every week is identical: skip whole weeks arithmetically so a
        # due time years ahead costs O(holidays + 7) days of iteration, not O(years).
        if day > last_holiday and remaining > week:
            weeks = (remaining - _MINUTE) // week
            # From any instant, the next 7 days hold exactly one week of office time.
            day += timedelta(weeks=weeks)
            cursor += timedelta(weeks=weeks)
            remaining -= week * weeks
        window = hours.window_on(day)
        if window is not None:
            opens = max(cursor, datetime.combine(day, window[0]))
            closes = datetime.combine(day, window[1])
            if closes > opens:
                if remaining <= closes - opens:
                    return opens + remaining
                remaining -= closes - opens
        day += timedelta(days=1)
        cursor = datetime.combine(day, time.min)


def _length(window: Window) -> timedelta:
    """How long a window is open (time objects cannot be subtracted directly)."""
    return datetime.combine(date.min, window[1]) - datetime.combine(date.min, window[0])


def _same_wall_clock(
    start: datetime, end: datetime, zone: tzinfo | None
) -> tuple[datetime, datetime, tzinfo | None]:
    """Both instants as naive wall-clock time in the office zone (else the start's), and
    that zone (None for naive input)."""
    if (start.tzinfo is None) != (end.tzinfo is None):
        raise TypeError("start and end must both be naive or both be timezone-aware")
    if start.tzinfo is None:
        return start, end, None
    tz = zone or start.tzinfo
    start, end = start.astimezone(tz), end.astimezone(tz)
    return start.replace(tzinfo=None), end.replace(tzinfo=None), tz


def _parse_window(key: str, value: str) -> Window | None:
    """ "07:30-16:00" -> (time(7, 30), time(16, 0)); "" or "-" -> None (closed)."""
    text = value.strip()
    if text in _OFF_VALUES:
        return None
    match = _WINDOW.fullmatch(text)
    if match is None:
        raise ValueError(
            f"{key}: {value!r} bukan jam kerja seperti '07:30-16:00' (atau '-' untuk libur)"
        )
    try:
        start = time(int(match[1]), int(match[2]))
        end = time(int(match[3]), int(match[4]))
    except ValueError:
        raise ValueError(f"{key}: {value!r} berisi jam yang tidak mungkin") from None
    if not start < end:
        raise ValueError(f"{key}: {value!r} tutup sebelum buka")
    return start, end


def _parse_holidays(holidays: Iterable[str]) -> list[date]:
    """ISO dates -> date objects; a bare string would iterate by character, so refuse it."""
    if isinstance(holidays, str):
        raise ValueError("libur harus berupa daftar tanggal ISO, bukan satu teks")
    days: list[date] = []
    for text in holidays:
        try:
            days.append(date.fromisoformat(text.strip()))
        except (ValueError, AttributeError):
            raise ValueError(f"libur {text!r} bukan tanggal ISO seperti '2026-12-25'") from None
    return days
