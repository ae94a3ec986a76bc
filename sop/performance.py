"""Performance data of a Pengukuran Kinerja run, and the capaian computed from it.

Indicators are grouped by Sasaran Strategis; programs carry their budget (pagu) and its
realisation. Capaian:

- higher is better ("naik"): Realisasi / Target x 100
- lower is better ("turun"): (2 x Target - Realisasi) / Target x 100

A target of 0 or a missing realisasi gives no capaian (shown "-") and a note, never an error.
The data lives in Run.extra["performance"] as plain JSON types (see to_dict/from_dict).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from soptrack.sop.errors import BadInput
from soptrack.sop.office import OfficeProfile

EXTRA_KEY = "performance"
FORMAT = 1
DASH = "-"


class Direction(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"

    @property
    def label(self) -> str:
        return "naik" if self is Direction.HIGHER else "turun"


_DIRECTION_WORDS = {
    "": Direction.HIGHER,
    "higher": Direction.HIGHER,
    "naik": Direction.HIGHER,
    "tinggi": Direction.HIGHER,
    "positif": Direction.HIGHER,
    "+": Direction.HIGHER,
    "lower": Direction.LOWER,
    "turun": Direction.LOWER,
    "rendah": Direction.LOWER,
    "negatif": Direction.LOWER,
    "-": Direction.LOWER,
}


def parse_direction(text: str) -> Direction:
    key = " ".join(text.strip().lower().split())
    key = key.removeprefix("makin ").removeprefix("semakin ")
    key = key.split(" ")[0] if key else key
    try:
        return _DIRECTION_WORDS[key]
    except KeyError:
        raise BadInput(
            f"arah {text!r} tidak dikenal: tulis 'naik' (makin tinggi makin baik) "
            "atau 'turun' (makin rendah makin baik)"
        ) from None


@dataclass(frozen=True)
class Indicator:
    sasaran: str
    indikator: str
    satuan: str = ""
    target: float | None = None
    realisasi: float | None = None
    # None only on a row freshly read from a form whose Arah cell was blank: merging keeps
    # the direction already stored, or takes HIGHER for a new row.
    direction: Direction | None = Direction.HIGHER
    keterangan: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (_norm(self.sasaran), _norm(self.indikator))


@dataclass(frozen=True)
class Program:
    program: str
    pagu: float | None = None
    realisasi: float | None = None
    keterangan: str = ""

    @property
    def key(self) -> str:
        return _norm(self.program)


@dataclass(frozen=True)
class Capaian:
    """A computed percentage, or None with the reason it cannot be computed."""

    value: float | None
    note: str = ""

    @property
    def text(self) -> str:
        return DASH if self.value is None else format_decimal(self.value, 2)


@dataclass(frozen=True)
class Performance:
    indicators: tuple[Indicator, ...] = ()
    programs: tuple[Program, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.indicators and not self.programs

    def groups(self) -> list[tuple[str, list[Indicator]]]:
        """Indicators under their Sasaran Strategis, in order of first appearance."""
        groups: dict[str, tuple[str, list[Indicator]]] = {}
        for ind in self.indicators:
            groups.setdefault(_norm(ind.sasaran), (ind.sasaran, []))[1].append(ind)
        return list(groups.values())

    def merged(self, other: Performance) -> Performance:
        """`other` laid over this: same rows (same Sasaran and Indikator, or same Program) are
        updated field by field, a blank field (Arah included) keeping the value already
        there. New rows are appended; a blank Arah stays None until stored (`to_dict`
        stores it as higher-is-better)."""
        indicators = list(self.indicators)
        for new in other.indicators:
            at = next((i for i, old in enumerate(indicators) if old.key == new.key), None)
            if at is None:
                indicators.append(new)
            else:
                indicators[at] = _overlay(indicators[at], new)
        programs = list(self.programs)
        for new in other.programs:
            at = next((i for i, old in enumerate(programs) if old.key == new.key), None)
            if at is None:
                programs.append(new)
            else:
                programs[at] = _overlay(programs[at], new)
        return Performance(tuple(indicators), tuple(programs))

    def totals(self) -> tuple[float, float]:
        pagu = sum(p.pagu or 0 for p in self.programs)
        realisasi = sum(p.realisasi or 0 for p in self.programs)
        return pagu, realisasi


def _overlay(old: Any, new: Any) -> Any:
    changes = {}
    for name in old.__dataclass_fields__:
        value = getattr(new, name)
        if value is None or value == "":
            continue
        changes[name] = value
    return replace(old, **changes)


# -- computing -----------------------------------------------------------------------------


def capaian(
    target: float | None, realisasi: float | None, direction: Direction = Direction.HIGHER
) -> Capaian:
    if target is None:
        return Capaian(None, "target belum diisi")
    if realisasi is None:
        return Capaian(None, "realisasi belum diisi")
    if target == 0:
        return Capaian(None, "target 0, capaian tidak dapat dihitung")
    if direction is Direction.LOWER:
        return Capaian((2 * target - realisasi) / target * 100)
    return Capaian(realisasi / target * 100)


def indicator_capaian(ind: Indicator) -> Capaian:
    return capaian(ind.target, ind.realisasi, ind.direction)


def program_capaian(prog: Program) -> Capaian:
    if prog.pagu is None:
        return Capaian(None, "pagu belum diisi")
    if prog.realisasi is None:
        return Capaian(None, "realisasi anggaran belum diisi")
    if prog.pagu == 0:
        return Capaian(None, "pagu 0, persentase tidak dapat dihitung")
    return Capaian(prog.realisasi / prog.pagu * 100)


def predikat(value: Capaian, office: OfficeProfile) -> str:
    return DASH if value.value is None else office.predikat(round(value.value, 2))


# -- numbers as Indonesians write them -----------------------------------------------------


def format_decimal(value: float, decimals: int = 2) -> str:
    """85.5 -> '85,50' (decimal comma, dot between thousands)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def format_number(value: float | None) -> str:
    """As entered: 85.5 -> '85,5', 1250000 -> '1.250.000', None -> '-'."""
    if value is None:
        return DASH
    if float(value).is_integer():
        return format_decimal(value, 0)
    text = format_decimal(value, 4).rstrip("0")
    return text.rstrip(",")


def format_rupiah(value: float | None) -> str:
    return DASH if value is None else format_decimal(value, 0)


def parse_number(text: str) -> float | None:
    """A number as typed in an Indonesian or English spreadsheet; blank -> None.

    '85,5' and '85.5' are 85.5; '1.250.000', '1,250,000' and 'Rp 1.250.000,00' are 1250000.
    A single dot followed by exactly three digits (not after a lone 0) is a thousands dot,
    as Indonesians write it: '1.250' is 1250.
    """
    raw = text
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    for prefix in ("Rp.", "Rp", "rp.", "rp"):
        text = text.removeprefix(prefix)
    text = text.removesuffix("%")
    if text in ("", DASH):
        return None
    negative = text.startswith("-")
    body = text.lstrip("+-")
    dots, commas = body.count("."), body.count(",")
    if dots and commas:
        decimal = "." if body.rfind(".") > body.rfind(",") else ","
        thousands = "," if decimal == "." else "."
        body = body.replace(thousands, "").replace(decimal, ".")
    elif commas:
        body = body.replace(",", "") if commas > 1 else body.replace(",", ".")
    elif dots > 1:
        body = body.replace(".", "")
    elif dots == 1:
        whole, _, frac = body.partition(".")
        if len(frac) == 3 and whole not in ("", "0"):
            body = whole + frac
    try:
        value = float(body)
    except ValueError:
        raise BadInput(f"{raw.strip()!r} bukan angka") from None
    if math.isnan(value) or math.isinf(value):
        raise BadInput(f"{raw.strip()!r} bukan angka")
    return -value if negative else value


# -- stored form (Run.extra["performance"]) ------------------------------------------------


def to_dict(perf: Performance) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "indicators": [
            {
                "sasaran": i.sasaran,
                "indikator": i.indikator,
                "satuan": i.satuan,
                "target": i.target,
                "realisasi": i.realisasi,
                "direction": (i.direction or Direction.HIGHER).value,
                "keterangan": i.keterangan,
            }
            for i in perf.indicators
        ],
        "programs": [
            {
                "program": p.program,
                "pagu": p.pagu,
                "realisasi": p.realisasi,
                "keterangan": p.keterangan,
            }
            for p in perf.programs
        ],
    }


def _num(value: Any) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return parse_number(value)
    return float(value)


def from_dict(data: Mapping[str, Any] | None) -> Performance:
    if not data:
        return Performance()
    return Performance(
        indicators=tuple(
            Indicator(
                sasaran=str(i.get("sasaran", "")),
                indikator=str(i.get("indikator", "")),
                satuan=str(i.get("satuan", "")),
                target=_num(i.get("target")),
                realisasi=_num(i.get("realisasi")),
                direction=parse_direction(str(i.get("direction", "higher"))),
                keterangan=str(i.get("keterangan", "")),
            )
            for i in data.get("indicators", [])
        ),
        programs=tuple(
            Program(
                program=str(p.get("program", "")),
                pagu=_num(p.get("pagu")),
                realisasi=_num(p.get("realisasi")),
                keterangan=str(p.get("keterangan", "")),
            )
            for p in data.get("programs", [])
        ),
    )


def of_extra(extra: Mapping[str, Any]) -> Performance:
    return from_dict(extra.get(EXTRA_KEY))


# -- summary for `data show --json` and the TUI ---------------------------------------------


@dataclass(frozen=True)
class IndicatorResult:
    number: int
    indicator: Indicator
    capaian: Capaian
    predikat: str


@dataclass(frozen=True)
class Measured:
    groups: list[tuple[int, str, list[IndicatorResult]]] = field(default_factory=list)
    programs: list[tuple[int, Program, Capaian]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def measure(perf: Performance, office: OfficeProfile) -> Measured:
    """Everything a document shows: numbered groups, capaian, predikat and the notes that
    explain each '-'."""
    measured = Measured()
    for g, (sasaran, indicators) in enumerate(perf.groups(), start=1):
        results = []
        for ind in indicators:
            value = indicator_capaian(ind)
            results.append(IndicatorResult(g, ind, value, predikat(value, office)))
            if value.note:
                measured.notes.append(f"{ind.indikator}: {value.note}.")
            if ind.keterangan:
                measured.notes.append(f"{ind.indikator}: {ind.keterangan}")
        measured.groups.append((g, sasaran, results))
    for n, prog in enumerate(perf.programs, start=1):
        value = program_capaian(prog)
        measured.programs.append((n, prog, value))
        if value.note:
            measured.notes.append(f"Program {prog.program}: {value.note}.")
        if prog.keterangan:
            measured.notes.append(f"Program {prog.program}: {prog.keterangan}")
    return measured


def summary_dict(perf: Performance, office: OfficeProfile) -> dict[str, Any]:
    m = measure(perf, office)
    pagu, real = perf.totals()
    return {
        "indicators": [
            {
                **to_dict(Performance((r.indicator,)))["indicators"][0],
                "no": number,
                "capaian": r.capaian.value,
                "capaian_text": r.capaian.text,
                "predikat": r.predikat,
                "note": r.capaian.note,
            }
            for number, _, results in m.groups
            for r in results
        ],
        "programs": [
            {
                **to_dict(Performance((), (prog,)))["programs"][0],
                "no": n,
                "persen": value.value,
                "persen_text": value.text,
                "note": value.note,
            }
            for n, prog, value in m.programs
        ],
        "total_pagu": pagu,
        "total_realisasi": real,
        "notes": m.notes,
    }


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def check(perf: Performance) -> None:
    """Rows must name what they measure."""
    for ind in perf.indicators:
        if not ind.indikator.strip():
            raise BadInput("indikator kinerja tidak boleh kosong")
        if not ind.sasaran.strip():
            raise BadInput(f"indikator {ind.indikator!r}: sasaran strategis tidak boleh kosong")
    for prog in perf.programs:
        if not prog.program.strip():
            raise BadInput("nama program tidak boleh kosong")
