"""The collection form as CSV: written for each bidang (step 2), read back when filled.

One table holds both kinds of row: performance rows (Sasaran Strategis, Indikator Kinerja,
Satuan, Target, Realisasi, Arah) and program rows (Program, Pagu, Realisasi Anggaran). The
Jenis column says which; left blank, a row with a Program is a program row.

Reading accepts what spreadsheets write: `;`, `,` or tab between cells, a UTF-8 BOM (Excel),
Windows-1252 text, decimal commas ("85,5") and thousands dots ("1.250.000"). Lines whose first
cell starts with '#' are comments. A bad row raises BadInput naming the file and line; the
caller stores nothing unless every file reads cleanly.

Optional TW I-IV columns carry quarterly realisasi (`soptrack form RUN --triwulan`). Text
cells that a spreadsheet would run as a formula (=, +, -, @ first) are written with a leading
apostrophe, which reading takes off again; numbers such as -5 stay numbers. Control
characters are dropped from every cell read.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from soptrack.sop.errors import BadInput
from soptrack.sop.performance import (
    TRIWULAN,
    Direction,
    Indicator,
    Performance,
    Program,
    clean_cell,
    format_number,
    parse_direction,
    parse_number,
)

COLUMNS = (
    "Jenis",
    "Sasaran Strategis",
    "Indikator Kinerja",
    "Satuan",
    "Target",
    "Realisasi",
    "Arah",
    "Program",
    "Pagu Anggaran (Rp)",
    "Realisasi Anggaran (Rp)",
    "Keterangan",
)
KINERJA, PROGRAM = "kinerja", "program"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# header text (lower case, spaces squeezed) -> field
_ALIASES = {
    "jenis": "jenis",
    "sasaran strategis": "sasaran",
    "sasaran": "sasaran",
    "indikator kinerja": "indikator",
    "indikator": "indikator",
    "satuan": "satuan",
    "target": "target",
    "realisasi": "realisasi",
    "arah": "arah",
    "program": "program",
    "pagu anggaran (rp)": "pagu",
    "pagu anggaran": "pagu",
    "pagu": "pagu",
    "anggaran": "pagu",
    "realisasi anggaran (rp)": "realisasi_anggaran",
    "realisasi anggaran": "realisasi_anggaran",
    "keterangan": "keterangan",
    "bidang": "bidang",
    "no": "no",
    "no.": "no",
    **{name.lower(): f"tw{n}" for n, name in enumerate(TRIWULAN, start=1)},
    **{f"realisasi {name.lower()}": f"tw{n}" for n, name in enumerate(TRIWULAN, start=1)},
    **{f"triwulan {r}": f"tw{n}" for n, r in enumerate(("i", "ii", "iii", "iv"), start=1)},
    **{f"tw{n}": f"tw{n}" for n in range(1, 5)},
    **{f"tw {n}": f"tw{n}" for n in range(1, 5)},
}

INSTRUCTIONS = (
    "# Isi kolom Realisasi (kinerja) dan Realisasi Anggaran (program). Arah: naik = makin "
    "tinggi makin baik, turun = makin rendah makin baik. Angka boleh ditulis 85,5 atau "
    "1.250.000. Baris yang diawali # diabaikan.",
)


def columns(triwulan: bool = False) -> tuple[str, ...]:
    if not triwulan:
        return COLUMNS
    at = COLUMNS.index("Realisasi")
    return (*COLUMNS[:at], *TRIWULAN, *COLUMNS[at:])


def write_form(perf: Performance, *, with_data: bool = False, triwulan: bool | None = None) -> str:
    """The form as text (`;`-separated, for Indonesian Excel). The rows already known are
    filled in with their targets and pagu; Realisasi is left blank unless `with_data`.
    Quarter columns are written when asked, or when the data has quarters."""
    quarters = perf.has_triwulan if triwulan is None else triwulan
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns(quarters))
    for line in INSTRUCTIONS:
        writer.writerow([line])
    for ind in perf.indicators:
        tw = [_num(v) if with_data else "" for v in ind.triwulan] if quarters else []
        writer.writerow(
            [
                KINERJA,
                _text(ind.sasaran),
                _text(ind.indikator),
                _text(ind.satuan),
                _num(ind.target),
                *tw,
                _num(ind.realisasi) if with_data else "",
                (ind.direction or Direction.HIGHER).label,
                "",
                "",
                "",
                _text(ind.keterangan) if with_data else "",
            ]
        )
    for prog in perf.programs:
        writer.writerow(
            [
                PROGRAM,
                "",
                "",
                "",
                "",
                *([""] * 4 if quarters else []),
                "",
                "",
                _text(prog.program),
                _num(prog.pagu),
                _num(prog.realisasi) if with_data else "",
                _text(prog.keterangan) if with_data else "",
            ]
        )
    return out.getvalue()


def _text(value: str) -> str:
    """A text cell Excel will not run as a formula: '=SUM(...)' is written "'=SUM(...)"."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _untext(value: str) -> str:
    """Undo _text on reading: the apostrophe only protected a formula-like start."""
    if value.startswith("'") and value[1:2] and value[1] in "=+-@":
        return value[1:]
    return value


def _num(value: float | None) -> str:
    return "" if value is None else format_number(value)


# -- reading -------------------------------------------------------------------------------


def read_files(paths: Iterable[Path]) -> Performance:
    """Every file read, or BadInput for the first bad one: all or nothing."""
    result = Performance()
    for path in paths:
        result = result.merged(read_file(path))
    return result


def read_file(path: Path) -> Performance:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(f"{path}: tidak dapat dibaca: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return read_text(text, str(path))


def _delimiter(text: str) -> str:
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            counts = {d: line.count(d) for d in (";", "\t", ",")}
            best = max(counts, key=lambda d: counts[d])
            return best if counts[best] else ";"
    return ";"


def read_text(text: str, name: str = "<csv>") -> Performance:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    header: dict[str, int] | None = None
    indicators: list[Indicator] = []
    programs: list[Program] = []
    try:
        for row in reader:
            line = reader.line_num
            cells = [clean_cell(c) for c in row]
            if not any(cells) or cells[0].startswith("#"):
                continue
            if header is None:
                header = _header(cells, name, line)
                continue
            try:
                kind, item = _row(cells, header)
            except BadInput as exc:
                raise BadInput(f"{name}: baris {line}: {exc}") from None
            if kind == KINERJA:
                indicators.append(item)  # type: ignore[arg-type]
            elif kind == PROGRAM:
                programs.append(item)  # type: ignore[arg-type]
    except csv.Error as exc:
        raise BadInput(f"{name}: baris {reader.line_num}: CSV rusak: {exc}") from None
    if header is None:
        raise BadInput(f"{name}: kosong; buat formulir dengan: soptrack form RUN -o FILE.csv")
    if not indicators and not programs:
        raise BadInput(f"{name}: tidak ada baris data di bawah judul kolom")
    return Performance().merged(Performance(tuple(indicators), tuple(programs)))


def _header(cells: list[str], name: str, line: int) -> dict[str, int]:
    header: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = _ALIASES.get(" ".join(cell.lower().split()))
        if key and key not in header:
            header[key] = index
    if "indikator" not in header and "program" not in header:
        raise BadInput(
            f"{name}: baris {line}: judul kolom tidak dikenali; harus ada 'Indikator Kinerja' "
            f"atau 'Program' (kolom formulir: {'; '.join(COLUMNS)})"
        )
    return header


def _row(cells: list[str], header: dict[str, int]) -> tuple[str, Indicator | Program]:
    def get(key: str) -> str:
        index = header.get(key)
        return _untext(cells[index]) if index is not None and index < len(cells) else ""

    def number(key: str, label: str) -> float | None:
        try:
            return parse_number(get(key))
        except BadInput as exc:
            raise BadInput(f"kolom {label}: {exc}") from None

    kind = get("jenis").lower()
    if kind in ("", "-"):
        kind = PROGRAM if get("program") and not get("indikator") else KINERJA
    if kind in ("iku", "ik", "indikator", "kinerja", "sasaran"):
        kind = KINERJA
    if kind in ("anggaran", "program"):
        kind = PROGRAM
    if kind == PROGRAM:
        if not get("program"):
            raise BadInput("baris program tanpa nama Program")
        return PROGRAM, Program(
            program=get("program"),
            pagu=number("pagu", "Pagu Anggaran"),
            realisasi=number("realisasi_anggaran", "Realisasi Anggaran"),
            keterangan=get("keterangan"),
        )
    if kind != KINERJA:
        raise BadInput(f"Jenis {get('jenis')!r} tidak dikenal: tulis 'kinerja' atau 'program'")
    if not get("indikator"):
        raise BadInput("Indikator Kinerja kosong")
    if not get("sasaran"):
        raise BadInput(f"Sasaran Strategis kosong untuk indikator {get('indikator')!r}")
    try:
        direction = parse_direction(get("arah")) if get("arah") else None
    except BadInput as exc:
        raise BadInput(f"kolom Arah: {exc}") from None
    return KINERJA, Indicator(
        sasaran=get("sasaran"),
        indikator=get("indikator"),
        satuan=get("satuan"),
        target=number("target", "Target"),
        realisasi=number("realisasi", "Realisasi"),
        direction=direction,
        keterangan=get("keterangan"),
        triwulan=tuple(number(f"tw{n}", name) for n, name in enumerate(TRIWULAN, start=1)),
    )
