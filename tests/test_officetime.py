"""The office time zone: office hours, dates and years follow the office, not the server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from soptrack.services import documents
from soptrack.services.core import Services
from soptrack.sop.errors import BadInput
from soptrack.sop.office import OfficeProfile, profile_from_dict, profile_to_dict, set_value
from soptrack.sop.officetime import in_office, parse_zone, zone_label
from soptrack.sop.worktime import OfficeHours, add_working_minutes, working_minutes

WITA = timezone(timedelta(hours=8))
BERLIN = ZoneInfo("Europe/Berlin")


class Fixed:
    """A clock a UTC server would have: aware, in UTC."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_zone_names_and_labels() -> None:
    assert parse_zone("WITA") == "Asia/Makassar" and parse_zone("wib") == "Asia/Jakarta"
    assert parse_zone("Asia/Jayapura") == "Asia/Jayapura" and zone_label("Asia/Jayapura") == "WIT"
    with pytest.raises(BadInput, match="Asia/Makassar"):
        parse_zone("Mars/Olympus")
    with pytest.raises(BadInput):
        parse_zone("../../etc/passwd")


def test_profile_default_zone_is_wita_and_round_trips() -> None:
    profile = OfficeProfile()
    assert profile.zona == "Asia/Makassar" and profile.hours.zone == "Asia/Makassar"
    changed = set_value(profile, "zona", "WIB", [])
    assert changed.zona == "Asia/Jakarta" and changed.hours.zone == "Asia/Jakarta"
    again = profile_from_dict(profile_to_dict(changed))
    assert again.zona == "Asia/Jakarta" and again.hours.zone == "Asia/Jakarta"
    assert profile_from_dict({}).zona == "Asia/Makassar"  # a database from before zona


def test_0900_to_1730_wita_on_a_utc_server_is_420_office_minutes() -> None:
    hours = OfficeProfile().hours  # 07:30-16:00 in Asia/Makassar
    start = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)  # 09:00 WITA
    end = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)  # 17:30 WITA
    # 09:00-16:00: the half hour after closing is not office time
    assert working_minutes(start, end, hours) == 420.0
    assert working_minutes(start.astimezone(WITA), end.astimezone(WITA), hours) == 420.0
    # without an office zone the count would be made on the UTC clock: 07:30-09:30
    assert working_minutes(start, end, replace(hours, zone="")) == 120.0


def test_a_step_worked_on_a_utc_server_records_420_minutes(db_path: Path) -> None:
    clock = Fixed(datetime(2026, 11, 25, 1, 0, tzinfo=UTC))
    services = Services(db_path, clock=clock, user="budi", sop_dirs=[])
    run = services.new_run("pengukuran-kinerja", "PK", 2026)
    services.act(run.id, 1, "start")
    clock.now = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
    done = services.act(run.id, 1, "done")
    assert done.record(1).worked_minutes == 420.0
    # stored absolute, written on the office clock
    assert done.record(1).finished_at == clock.now
    assert done.record(1).finished_at.utcoffset() == timedelta(hours=8)


def test_new_year_at_0715_wita_is_the_new_year_for_letters_and_runs(db_path: Path) -> None:
    clock = Fixed(datetime(2025, 12, 31, 23, 15, tzinfo=UTC))  # 1 January 2026 07:15 WITA
    services = Services(db_path, clock=clock, user="budi", sop_dirs=[])
    assert services.clock().year == 2026 and services.clock().hour == 7
    run = services.new_run("pengukuran-kinerja", "PK", services.clock().year)
    letter = documents.allocate_letter(services, run, "pengantar")
    assert letter["year"] == 2026 and letter["date"] == "2026-01-01"
    assert letter["number"].endswith("/2026")


def test_signature_date_is_the_office_day() -> None:
    moment = datetime(2026, 3, 31, 17, 0, tzinfo=UTC)  # 1 April 01:00 WITA
    assert in_office(moment, "Asia/Makassar").date().isoformat() == "2026-04-01"
    assert in_office(moment, "Asia/Jakarta").date().isoformat() == "2026-04-01"
    assert in_office(moment, "Europe/Berlin").date().isoformat() == "2026-03-31"


def test_the_real_clock_in_a_utc_process_writes_office_time(cli, db_path: Path) -> None:
    env = {"TZ": "UTC"}
    run_id = cli("run", "new", "pk", "--title", "PK", check=True, env=env).stdout.strip()
    cli("step", run_id, "1", "start", check=True, env=env)
    entry = json.loads(cli("history", run_id, "--json", check=True, env=env).stdout)[-1]
    at = datetime.fromisoformat(entry["at"])
    assert at.utcoffset() == timedelta(hours=8)  # WITA, whatever the process's TZ
    assert abs(at - datetime.now(UTC)) < timedelta(minutes=10)
    runs = json.loads(cli("runs", "--json", check=True, env=env).stdout)
    assert runs[0]["year"] == datetime.now(UTC).astimezone(WITA).year


# -- a zone with daylight saving -----------------------------------------------------------

BERLIN_HOURS = replace(OfficeHours.default(), zone="Europe/Berlin")


def test_across_the_spring_change_in_berlin() -> None:
    # Friday 27 March 2026 12:00 CET to Monday 30 March 10:00 CEST (clocks went forward on
    # Sunday 29 March 02:00): Friday 12:00-16:00 and Monday 07:30-10:00
    start = datetime(2026, 3, 27, 12, 0, tzinfo=BERLIN)
    end = datetime(2026, 3, 30, 10, 0, tzinfo=BERLIN)
    assert working_minutes(start, end, BERLIN_HOURS) == 240 + 150
    # the same instants written in UTC, as another server would store them
    assert working_minutes(start.astimezone(UTC), end.astimezone(UTC), BERLIN_HOURS) == 390
    due = add_working_minutes(start.astimezone(UTC), 240 + 30, BERLIN_HOURS)
    assert due == datetime(2026, 3, 30, 8, 0, tzinfo=BERLIN)
    assert due.utcoffset() == timedelta(hours=2)


def test_across_the_autumn_change_in_berlin() -> None:
    start = datetime(2026, 10, 23, 15, 0, tzinfo=BERLIN)  # Friday, CEST
    end = datetime(2026, 10, 26, 8, 0, tzinfo=BERLIN)  # Monday, CET
    assert working_minutes(start, end, BERLIN_HOURS) == 60 + 30


def test_a_window_spanning_the_change_counts_real_minutes() -> None:
    # a Sunday shift 01:00-05:00 on 29 March 2026: 02:00-03:00 does not exist, 3 real hours
    hours = OfficeHours.from_mapping({"minggu": "01:00-05:00"})
    hours = replace(hours, zone="Europe/Berlin")
    start = datetime(2026, 3, 29, 0, 0, tzinfo=BERLIN)
    end = datetime(2026, 3, 29, 6, 0, tzinfo=BERLIN)
    assert working_minutes(start, end, hours) == 180.0


def test_server_tz_does_not_matter() -> None:
    code = (
        "from datetime import datetime, UTC; "
        "from soptrack.sop.office import OfficeProfile; "
        "from soptrack.sop.worktime import working_minutes; "
        "h = OfficeProfile().hours; "
        "print(working_minutes(datetime(2026,11,25,1,0,tzinfo=UTC), "
        "datetime(2026,11,25,9,30,tzinfo=UTC).astimezone(), h))"
    )
    for tz in ("UTC", "America/New_York", "Asia/Tokyo"):
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "TZ": tz},
        ).stdout
        assert out.strip() == "420.0", tz
