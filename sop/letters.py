"""The letter-number register (step 12, "memberikan penomoran"), as pure functions.

The register is a list of plain dicts, one per number given out. The store hands the list
over under its lock (Repository.modify), so `allocate` sees every number already given and
appends the new one; two users exporting at the same moment therefore never share a number.
The running number counts within one calendar year and restarts in January. A run keeps
the number of each kind of letter on every re-export.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableSequence
from datetime import date, datetime
from typing import Any

from soptrack.sop.dates import roman_month
from soptrack.sop.errors import BadInput
from soptrack.sop.office import OfficeProfile

TABLE = "letters"


def format_number(pattern: str, *, nomor: int, klasifikasi: str, kode_unit: str, when: date) -> str:
    """Fill the pattern: {klasifikasi} {nomor} {kode_unit} {tahun} {bulan} {bulan_romawi}."""
    try:
        return pattern.format(
            klasifikasi=klasifikasi,
            nomor=nomor,
            kode_unit=kode_unit,
            tahun=when.year,
            bulan=f"{when.month:02d}",
            bulan_romawi=roman_month(when.month),
        )
    except (KeyError, IndexError, ValueError, TypeError, AttributeError) as exc:
        raise BadInput(
            f"pola nomor surat {pattern!r} tidak sah ({exc}); kolom yang boleh: "
            "{klasifikasi} {nomor} {kode_unit} {tahun} {bulan} {bulan_romawi}"
        ) from None


def next_number(rows: Iterable[dict[str, Any]], year: int) -> int:
    """The next running number of a calendar year: 1 for a year with no letters yet."""
    used = [int(r["nomor"]) for r in rows if int(r.get("year", 0)) == year]
    return max(used, default=0) + 1


def find(rows: Iterable[dict[str, Any]], run_id: str, kind: str) -> dict[str, Any] | None:
    return next((r for r in rows if r.get("run") == run_id and r.get("kind") == kind), None)


def allocate(
    rows: MutableSequence[dict[str, Any]],
    *,
    run_id: str,
    kind: str,
    office: OfficeProfile,
    now: datetime,
    user: str = "",
    subject: str = "",
) -> dict[str, Any]:
    """The run's number for this kind of letter: the one it has, or the next, appended."""
    existing = find(rows, run_id, kind)
    if existing is not None:
        return existing
    today = now.date()
    nomor = next_number(rows, today.year)
    row = {
        "year": today.year,
        "nomor": nomor,
        "number": format_number(
            office.letter_pattern,
            nomor=nomor,
            klasifikasi=office.letter_klasifikasi,
            kode_unit=office.letter_unit_code,
            when=today,
        ),
        "run": run_id,
        "kind": kind,
        "date": today.isoformat(),
        "subject": subject,
        "user": user,
        "created_at": now.isoformat(timespec="seconds"),
    }
    rows.append(row)
    return row


def register_rows(rows: Iterable[dict[str, Any]], year: int | None = None) -> list[dict[str, Any]]:
    """The register in order (year, running number), optionally one year only."""
    chosen = [r for r in rows if year is None or int(r.get("year", 0)) == year]
    return sorted(chosen, key=lambda r: (int(r.get("year", 0)), int(r.get("nomor", 0))))


def letter_date(row: dict[str, Any]) -> date:
    return date.fromisoformat(row["date"])
