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
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from soptrack.sop.errors import BadInput
from soptrack.sop.numbers import MAX_MAGNITUDE_TEXT, ascii_float, sane
from soptrack.sop.office import OfficeProfile

EXTRA_KEY = "performance"
FORMAT = 1
DASH = "-"
TRIWULAN = ("TW I", "TW II", "TW III", "TW IV")
NO_QUARTERS: tuple[float | None, ...] = (None, None, None, None)
_BIDI = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def clean_cell(text: str) -> str:
    """One line of user text as it may be stored and printed: control characters (C0, DEL,
    C1) and bidi overrides dropped, whitespace runs (tabs, newlines) made one space."""
    kept = "".join(
        " " if ch in "\t\n\r" else ch
        for ch in text.translate(_BIDI)
        if ch in "\t\n\r" or unicodedata.category(ch) not in ("Cc", "Cs")
    )
    kept = "".join(ch for ch in kept if ch not in "\ufffe\uffff")
    return " ".join(kept.split())


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
    triwulan: tuple[float | None, ...] = NO_QUARTERS  # realisasi TW I-IV, optional

    @property
    def has_triwulan(self) -> bool:
        return any(v is not None for v in self.triwulan)

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
    """A percentage already rounded half up to 2 decimals (what is printed is what is rated),
    or None; `note` says why it is '-' or which rule set it."""

    value: Decimal | None
    note: str = ""

    @property
    def text(self) -> str:
        return DASH if self.value is None else format_decimal(self.value, 2)

    @property
    def number(self) -> float | None:
        return None if self.value is None else float(self.value)


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
        for program in other.programs:
            at = next((i for i, old in enumerate(programs) if old.key == program.key), None)
            if at is None:
                programs.append(program)
            else:
                programs[at] = _overlay(programs[at], program)
        return Performance(tuple(indicators), tuple(programs))

    @property
    def has_triwulan(self) -> bool:
        return any(ind.has_triwulan for ind in self.indicators)

    def totals(self) -> tuple[float, float]:
        total = program_total(self.programs)
        return total.pagu, total.realisasi


def _overlay(old: Any, new: Any) -> Any:
    changes = {}
    for name in old.__dataclass_fields__:
        value = getattr(new, name)
        if value is None or value == "":
            continue
        if isinstance(value, tuple):  # the quarters: a blank quarter keeps the stored one
            pairs = zip(getattr(old, name), value, strict=True)
            value = tuple(o if n is None else n for o, n in pairs)
        changes[name] = value
    return replace(old, **changes)


# -- computing -----------------------------------------------------------------------------

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def round_half_up(value: Decimal | float) -> Decimal:
    """Two decimals, half up, as Indonesian reports and a hand or Excel check round:
    103,125 -> 103,13 (Python's round() would give 103,12)."""
    number = _dec(value)
    try:
        return number.quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more than 26 digits before the comma: nothing to round
        return number


def _dec(value: Decimal | float) -> Decimal:
    # repr() is the shortest text that reads back as the same float: the number as typed
    return value if isinstance(value, Decimal) else Decimal(repr(float(value)))


def capaian(
    target: float | None,
    realisasi: float | None,
    direction: Direction = Direction.HIGHER,
    *,
    cap: float | None = None,
) -> Capaian:
    """The capaian, rounded half up to 2 decimals, with a note whenever a rule other than the
    plain formula decided the number (target 0, floor at 0, the office's cap)."""
    if target is None:
        return Capaian(None, "target belum diisi")
    if realisasi is None:
        return Capaian(None, "realisasi belum diisi")
    if target == 0:
        if direction is Direction.HIGHER:
            return Capaian(None, "target 0, capaian tidak dapat dihitung")
        if realisasi <= 0:
            return Capaian(HUNDRED.quantize(CENT))  # nothing happened that should not: best
        return Capaian(
            Decimal(0).quantize(CENT),
            "target 0 (makin rendah makin baik) dan realisasi di atas 0: capaian 0",
        )
    t, r = _dec(target), _dec(realisasi)
    raw = (2 * t - r) / t * HUNDRED if direction is Direction.LOWER else r / t * HUNDRED
    value = round_half_up(raw)
    if value < 0:
        return Capaian(
            Decimal(0).quantize(CENT),
            f"hasil hitung {format_decimal(value, 2)} ditulis 0 (capaian tidak kurang dari 0)",
        )
    if cap is not None and value > _dec(cap):
        limit = round_half_up(cap)
        return Capaian(
            limit,
            f"hasil hitung {format_decimal(value, 2)} dibatasi {format_decimal(limit, 2)} "
            "(batas capaian kantor)",
        )
    return Capaian(value)


def yearly_realisasi(ind: Indicator, rule: str = "akhir") -> tuple[float | None, str]:
    """The year's realisasi: as entered, or from the quarters (the last one filled, or their
    sum) with a note saying so."""
    if ind.realisasi is not None:
        return ind.realisasi, ""
    filled = [(n, v) for n, v in enumerate(ind.triwulan) if v is not None]
    if not filled:
        return None, ""
    if rule == "jumlah":
        total = sum((_dec(v) for _, v in filled), Decimal(0))
        names = " + ".join(TRIWULAN[n] for n, _ in filled)
        return float(total), f"realisasi tahunan = {names}"
    n, value = filled[-1]
    return value, f"realisasi tahunan dari {TRIWULAN[n]} (triwulan terakhir yang diisi)"


def indicator_capaian(ind: Indicator, office: OfficeProfile | None = None) -> Capaian:
    rule = office.triwulan_rule if office else "akhir"
    realisasi, how = yearly_realisasi(ind, rule)
    value = capaian(
        ind.target,
        realisasi,
        ind.direction or Direction.HIGHER,
        cap=office.capaian_cap if office else None,
    )
    if how:
        return Capaian(value.value, "; ".join(part for part in (how, value.note) if part))
    return value


def program_capaian(prog: Program) -> Capaian:
    if prog.pagu is None:
        return Capaian(None, "pagu belum diisi")
    if prog.realisasi is None:
        return Capaian(None, "realisasi anggaran belum diisi")
    if prog.pagu == 0:
        return Capaian(None, "pagu 0, persentase tidak dapat dihitung")
    return Capaian(round_half_up(_dec(prog.realisasi) / _dec(prog.pagu) * HUNDRED))


@dataclass(frozen=True)
class ProgramTotal:
    """The Jumlah row. Its percentage counts only programmes with both pagu and realisasi,
    and `incomplete` names the others, so a blank realisasi never drags the total down
    unnoticed."""

    pagu: float
    realisasi: float
    percent: Capaian
    incomplete: tuple[str, ...] = ()


def program_total(programs: tuple[Program, ...] | list[Program]) -> ProgramTotal:
    pagu = sum((_dec(p.pagu) for p in programs if p.pagu is not None), Decimal(0))
    real = sum((_dec(p.realisasi) for p in programs if p.realisasi is not None), Decimal(0))
    complete = [p for p in programs if p.pagu is not None and p.realisasi is not None]
    incomplete = tuple(p.program for p in programs if p.realisasi is None or p.pagu is None)
    base = sum((_dec(p.pagu) for p in complete), Decimal(0))  # type: ignore[arg-type]
    done = sum((_dec(p.realisasi) for p in complete), Decimal(0))  # type: ignore[arg-type]
    if not programs:
        percent = Capaian(None, "")
    elif not base:
        percent = Capaian(None, "belum ada program dengan pagu dan realisasi terisi")
    else:
        percent = Capaian(round_half_up(done / base * HUNDRED))
    if incomplete and percent.value is not None:
        names = ", ".join(program_label(name) for name in incomplete)
        percent = Capaian(
            percent.value,
            f"realisasi anggaran {names} belum diisi; persentase jumlah dihitung dari "
            f"{len(complete)} program yang sudah lengkap (pagu Rp {format_rupiah(float(base))})",
        )
    return ProgramTotal(float(pagu), float(real), percent, incomplete)


def program_label(name: str) -> str:
    """'Program X' for a name the office wrote without the word, never 'Program Program X'."""
    name = " ".join(name.split())
    return name if name.casefold().startswith("program") else f"Program {name}"


def predikat(value: Capaian, office: OfficeProfile) -> str:
    """From the same rounded number the document prints."""
    return DASH if value.value is None else office.predikat(float(value.value))


# -- numbers as Indonesians write them -----------------------------------------------------


def format_decimal(value: float | Decimal, decimals: int = 2) -> str:
    """85.5 -> '85,50' (decimal comma, dot between thousands), rounded half up."""
    number = _dec(value)
    if not number.is_finite():
        return DASH  # only a damaged stored value gets here: never a traceback for it
    try:
        exact = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    except InvalidOperation:  # beyond 28 digits: no office counts in those
        exact = number
    text = f"{exact:,.{decimals}f}"
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
        value = ascii_float(body)  # float() alone reads '٨٥' as 85
    except ValueError:
        raise BadInput(f"{raw.strip()!r} bukan angka") from None
    if math.isnan(value) or math.isinf(value):
        raise BadInput(f"{raw.strip()!r} bukan angka")
    if not sane(value):
        raise BadInput(
            f"{raw.strip()!r} terlalu besar (harus kurang dari {MAX_MAGNITUDE_TEXT}); "
            "periksa angkanya"
        )
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
                **({"triwulan": list(i.triwulan)} if i.has_triwulan else {}),
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


def _quarters(value: Any) -> tuple[float | None, ...]:
    if not value:
        return NO_QUARTERS
    values = [_num(v) for v in list(value)[:4]]
    return tuple(values + [None] * (4 - len(values)))


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
                triwulan=_quarters(i.get("triwulan")),
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
    realisasi: float | None = None  # the year's: as entered or from the quarters
    note: int | None = None  # number of its computation note, the marker in the table


@dataclass(frozen=True)
class ProgramResult:
    number: int
    program: Program
    capaian: Capaian
    note: int | None = None


@dataclass(frozen=True)
class Measured:
    """Everything a document shows. `notes` are computation notes, numbered from 1 in the
    order their markers appear; `remarks` are the data sources' own Keterangan."""

    groups: list[tuple[int, str, list[IndicatorResult]]] = field(default_factory=list)
    programs: list[ProgramResult] = field(default_factory=list)
    total: ProgramTotal = field(default_factory=lambda: program_total(()))
    total_note: int | None = None
    notes: list[str] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)


def measure(perf: Performance, office: OfficeProfile) -> Measured:
    """Numbered groups, capaian, predikat, and the numbered notes their markers point to."""
    notes: list[str] = []
    remarks: list[str] = []

    def note(label: str, text: str) -> int | None:
        if not text:
            return None
        notes.append(f"{label}: {text}.")
        return len(notes)

    groups = []
    for g, (sasaran, indicators) in enumerate(perf.groups(), start=1):
        results = []
        for ind in indicators:
            value = indicator_capaian(ind, office)
            realisasi, _ = yearly_realisasi(ind, office.triwulan_rule)
            marker = note(ind.indikator, value.note)
            results.append(
                IndicatorResult(g, ind, value, predikat(value, office), realisasi, marker)
            )
            if ind.keterangan:
                remarks.append(f"{ind.indikator}: {ind.keterangan}")
        groups.append((g, sasaran, results))
    programs = []
    for n, prog in enumerate(perf.programs, start=1):
        value = program_capaian(prog)
        marker = note(program_label(prog.program), value.note)
        programs.append(ProgramResult(n, prog, value, marker))
        if prog.keterangan:
            remarks.append(f"{program_label(prog.program)}: {prog.keterangan}")
    total = program_total(perf.programs)
    total_note = note("Jumlah", total.percent.note)
    return Measured(groups, programs, total, total_note, notes, remarks)


def summary_dict(perf: Performance, office: OfficeProfile) -> dict[str, Any]:
    m = measure(perf, office)
    return {
        "indicators": [
            {
                **to_dict(Performance((r.indicator,)))["indicators"][0],
                "no": number,
                "realisasi_tahunan": r.realisasi,
                "capaian": r.capaian.number,
                "capaian_text": r.capaian.text,
                "predikat": r.predikat,
                "note": r.capaian.note,
                "note_no": r.note,
            }
            for number, _, results in m.groups
            for r in results
        ],
        "programs": [
            {
                **to_dict(Performance((), (p.program,)))["programs"][0],
                "no": p.number,
                "persen": p.capaian.number,
                "persen_text": p.capaian.text,
                "note": p.capaian.note,
                "note_no": p.note,
            }
            for p in m.programs
        ],
        "total_pagu": m.total.pagu,
        "total_realisasi": m.total.realisasi,
        "total_persen": m.total.percent.number,
        "total_persen_text": m.total.percent.text,
        "total_belum_diisi": list(m.total.incomplete),
        "total_note_no": m.total_note,
        "notes": m.notes,
        "remarks": m.remarks,
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
