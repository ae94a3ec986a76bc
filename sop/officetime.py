"""The office's own clock: dates, years and times of day are those of the office's zone.

A server set to UTC (usual for a VPS) serving an office on WITA must still put a letter sent
at 07:15 WITA on 1 January into the new year. Stored timestamps stay absolute (they carry
their offset); only what is read off them as a date, a year or a time of day goes through
the office zone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from soptrack.sop.errors import BadInput

DEFAULT_ZONE = "Asia/Makassar"
# The three Indonesian zones by their everyday names; none has daylight saving.
INDONESIAN_ZONES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}
_LABELS = {name: label for label, name in INDONESIAN_ZONES.items()}


def parse_zone(text: str) -> str:
    """An IANA zone name (or WIB/WITA/WIT) checked against the zone database."""
    name = text.strip()
    name = INDONESIAN_ZONES.get(name.upper(), name)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadInput(
            f"zona {text!r} tidak dikenal; tulis nama IANA: Asia/Jakarta (WIB), "
            "Asia/Makassar (WITA) atau Asia/Jayapura (WIT)"
        ) from None
    return name


def zone_label(name: str) -> str:
    """WITA for Asia/Makassar, the IANA name for any other zone."""
    return _LABELS.get(name, name)


def in_office(moment: datetime, zone: str) -> datetime:
    """`moment` as the office's wall clock shows it; a naive moment is taken as office time."""
    tz = ZoneInfo(zone or DEFAULT_ZONE)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=tz)
    return moment.astimezone(tz)


def office_now(zone: str) -> datetime:
    """Now, to the second, on the office's clock (an absolute, offset-carrying time)."""
    return datetime.now(UTC).astimezone(ZoneInfo(zone or DEFAULT_ZONE)).replace(microsecond=0)


def office_date(moment: datetime, zone: str) -> date:
    return in_office(moment, zone).date()
