"""Read SOP definition files (TOML, documented in docs/sop-format.md).

Users write these files by hand, so every mistake must come back as one line that names the
file and the place: `SopFileError(path, "langkah 4, waktu", "...")`.
"""

from __future__ import annotations

import dataclasses
import os
import re
import stat
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NoReturn

from soptrack.sop.documents import DECLARABLE, DocumentSpec
from soptrack.sop.durations import DurationError, parse_duration
from soptrack.sop.errors import SopFileError
from soptrack.sop.model import Identity, Lane, Signatory, Sop, Step, StepKind
from soptrack.sop.text import MAX_SOP_FIELD, MAX_SOP_FILE, clean_text, printable

FORMAT_VERSION = 1
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_CODE = re.compile(r"^[a-z][a-z0-9]{0,5}$")
_KINDS = {"proses": StepKind.PROCESS, "keputusan": StepKind.DECISION}
_BLOCKS = {
    "dasar_hukum": "dasar_hukum",
    "kualifikasi_pelaksana": "kualifikasi_pelaksana",
    "keterkaitan": "keterkaitan",
    "peralatan": "peralatan",
    "peringatan": "peringatan",
    "pencatatan": "pencatatan",
}
_BARE_UNITS = ("menit", "jam", "hari")


class _Reader:
    """Typed access to one TOML table that reports errors with the file and the place."""

    def __init__(self, path: str, where: str, table: Any) -> None:
        self.path = path
        self.where = where
        if not isinstance(table, Mapping):
            self.fail("", "harus berupa tabel (table)")
        self.table: Mapping[str, Any] = table

    def fail(self, key: str, message: str) -> NoReturn:
        where = f"{self.where}, {key}" if self.where and key else (self.where or key)
        raise SopFileError(self.path, where, message)

    def only(self, *keys: str) -> None:
        """Catch typos: a key the format does not know is an error, not silently ignored."""
        for key in self.table:
            if key not in keys:
                self.fail(key, f"kunci tidak dikenal (unknown key); yang boleh: {', '.join(keys)}")

    def text(self, key: str, *, required: bool = True, default: str = "") -> str:
        if key not in self.table:
            if required:
                self.fail(key, "wajib diisi (missing field)")
            return default
        value = self.table[key]
        if not isinstance(value, str):
            self.fail(key, f"harus berupa teks, bukan {value!r}")
        value = self._clean(key, value)
        if required and not value:
            self.fail(key, "tidak boleh kosong (empty)")
        return value

    def _clean(self, key: str, value: str) -> str:
        """Control characters out (they would reach terminals and .docx), size bounded."""
        if len(value) > MAX_SOP_FIELD:
            self.fail(
                key, f"terlalu panjang ({len(value)} karakter, paling banyak {MAX_SOP_FIELD})"
            )
        return clean_text(value)

    def integer(self, key: str, *, required: bool = True, default: int = 0) -> int:
        if key not in self.table:
            if required:
                self.fail(key, "wajib diisi (missing field)")
            return default
        value = self.table[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, f"harus berupa bilangan bulat, bukan {value!r}")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(key, 'harus berupa daftar teks, mis. ["...", "..."]')
        cleaned = (self._clean(key, v) for v in value)
        return tuple(v for v in cleaned if v)

    def sub(self, key: str, *, required: bool = True) -> _Reader:
        if key not in self.table:
            if required:
                self.fail(key, "bagian wajib tidak ada (missing table)")
            return _Reader(self.path, key, {})
        where = f"{self.where}.{key}" if self.where else key
        return _Reader(self.path, where, self.table[key])

    def array(self, key: str) -> list[Any]:
        value = self.table.get(key)
        if value is None:
            self.fail(key, f"tidak ada; tambahkan [[{key}]]")
        if not isinstance(value, list) or not value:
            self.fail(key, f"harus berupa daftar [[{key}]] yang tidak kosong")
        return value


def load_sop(path: str | Path) -> Sop:
    """Load and validate one SOP file."""
    path = Path(path)
    return parse_sop(read_sop_file(path), str(path))


def read_sop_file(path: Path) -> bytes:
    """The file's bytes, refusing what is not a regular file of a sane size: a FIFO would
    block forever, /dev/zero would be read until memory runs out."""
    name = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise SopFileError(name, "", "file tidak ditemukan (no such file)") from None
    except IsADirectoryError:
        raise SopFileError(name, "", "ini folder, bukan file SOP (.toml)") from None
    except (OSError, ValueError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else str(exc)
        raise SopFileError(name, "", f"tidak dapat dibaca: {why}") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise SopFileError(name, "", "ini folder, bukan file SOP (.toml)")
        if not stat.S_ISREG(st.st_mode):
            raise SopFileError(name, "", "bukan file biasa (FIFO/perangkat); berikan file .toml")
        with os.fdopen(os.dup(fd), "rb") as handle:
            raw = handle.read(MAX_SOP_FILE + 1)
    except OSError as exc:
        raise SopFileError(name, "", f"tidak dapat dibaca: {exc.strerror}") from None
    finally:
        os.close(fd)
    if len(raw) > MAX_SOP_FILE:
        raise SopFileError(
            name,
            "",
            f"terlalu besar (lebih dari {MAX_SOP_FILE // 1000} KB); file SOP biasanya < 50 KB",
        )
    return raw


def parse_sop(raw: bytes | str, name: str = "<sop>") -> Sop:
    """Validate the text of a SOP file; `name` is what errors call the file."""
    if len(raw) > MAX_SOP_FILE:
        raise SopFileError(name, "", f"terlalu besar (lebih dari {MAX_SOP_FILE // 1000} KB)")
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SopFileError(name, f"byte {exc.start}", "bukan teks UTF-8") from None
    raw = raw.removeprefix("\ufeff")  # a BOM, as Windows editors save UTF-8
    parsed = _PARSED.get(raw)
    if parsed is not None:
        return parsed if parsed.source == name else dataclasses.replace(parsed, source=name)
    sop = _PARSED[raw] = _parse(raw, name)
    return sop


# SOP text -> the SOP it holds, for the whole process: the same text (a database's stored copy
# of a shipped file, a version read again) is parsed once. Sop is frozen: sharing it is safe.
_PARSED: dict[str, Sop] = {}


def _parse(raw: str, name: str) -> Sop:
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise SopFileError(name, "", f"sintaks TOML salah: {printable(exc)}") from None
    except RecursionError:
        raise SopFileError(name, "", "sintaks TOML bersarang terlalu dalam") from None
    return _build(_Reader(name, "", data))


_TOP_KEYS = (
    "format",
    "id",
    "code",
    "name",
    "title",
    "waktu_unit",
    "menit_per_hari",
    "identitas",
    "blok",
    "pelaksana",
    "langkah",
    "dokumen",
)
_IDENTITY_KEYS = (
    "pemerintah",
    "unit",
    "nomor",
    "tanggal_pembuatan",
    "tanggal_revisi",
    "tanggal_efektif",
    "judul",
    "disahkan_oleh",
)
_STEP_KEYS = (
    "no",
    "kegiatan",
    "singkat",
    "pelaksana",
    "kelengkapan",
    "waktu",
    "output",
    "keterangan",
    "jenis",
    "kembali_ke",
    "terminator",
)


def _build(top: _Reader) -> Sop:
    top.only(*_TOP_KEYS)
    version = top.integer("format", required=False, default=FORMAT_VERSION)
    if version != FORMAT_VERSION:
        top.fail("format", f"versi {version} tidak dikenal; soptrack ini membaca format 1")
    sop_id = top.text("id")
    if not _ID.match(sop_id):
        top.fail(
            "id", f"{sop_id!r}: pakai huruf kecil, angka dan '-' saja (mis. 'pengukuran-kinerja')"
        )
    code = top.text("code", required=False) or _default_code(sop_id)
    if not _CODE.match(code):
        top.fail("code", f"{code!r}: 1-6 huruf kecil/angka, diawali huruf (mis. 'pk')")
    bare_unit = top.text("waktu_unit", required=False, default="menit").lower()
    if bare_unit not in _BARE_UNITS:
        top.fail("waktu_unit", f"{bare_unit!r}: pilih salah satu dari {', '.join(_BARE_UNITS)}")
    per_day = top.integer("menit_per_hari", required=False, default=510)
    if not 60 <= per_day <= 1440:
        top.fail("menit_per_hari", f"{per_day}: harus antara 60 dan 1440")

    ident = top.sub("identitas")
    ident.only(*_IDENTITY_KEYS)
    signer = ident.sub("disahkan_oleh", required=False)
    signer.only("jabatan", "nama", "nip", "pangkat")
    identity = Identity(
        pemerintah=ident.text("pemerintah"),
        unit=ident.text("unit"),
        nomor=ident.text("nomor", required=False),
        tanggal_pembuatan=ident.text("tanggal_pembuatan", required=False),
        tanggal_revisi=ident.text("tanggal_revisi", required=False),
        tanggal_efektif=ident.text("tanggal_efektif", required=False),
        judul=ident.text("judul"),
        disahkan_oleh=Signatory(
            jabatan=signer.text("jabatan", required=False),
            nama=signer.text("nama", required=False),
            nip=signer.text("nip", required=False),
            pangkat=signer.text("pangkat", required=False),
        ),
    )
    blocks = top.sub("blok", required=False)
    blocks.only(*_BLOCKS)
    lanes = _lanes(top)
    steps = _steps(top, lanes, bare_unit, per_day)
    documents = _documents(top, steps)
    return Sop(
        id=sop_id,
        name=top.text("name"),
        title=top.text("title", required=False) or top.text("name"),
        code=code,
        identity=identity,
        lanes=lanes,
        steps=steps,
        minutes_per_day=per_day,
        documents=documents,
        source=top.path,
        **{field: blocks.texts(key) for key, field in _BLOCKS.items()},
    )


def _default_code(sop_id: str) -> str:
    letters = "".join(part[0] for part in sop_id.split("-") if part and part[0].isalpha())
    return (letters or "s")[:6]


def _lanes(top: _Reader) -> tuple[Lane, ...]:
    lanes: list[Lane] = []
    for index, table in enumerate(top.array("pelaksana"), start=1):
        reader = _Reader(top.path, f"pelaksana ke-{index}", table)
        reader.only("id", "nama")
        lane_id = reader.text("id")
        if not _ID.match(lane_id):
            reader.fail("id", f"{lane_id!r}: pakai huruf kecil, angka dan '-' saja")
        if any(lane.id == lane_id for lane in lanes):
            reader.fail("id", f"{lane_id!r} sudah dipakai pelaksana lain")
        lanes.append(Lane(id=lane_id, name=reader.text("nama")))
    return tuple(lanes)


def _steps(top: _Reader, lanes: tuple[Lane, ...], bare_unit: str, per_day: int) -> tuple[Step, ...]:
    lane_ids = [lane.id for lane in lanes]
    steps: list[Step] = []
    seen: set[int] = set()
    for index, table in enumerate(top.array("langkah"), start=1):
        probe = _Reader(top.path, f"langkah ke-{index}", table)
        number = probe.integer("no")
        reader = _Reader(top.path, f"langkah {number}", table)
        reader.only(*_STEP_KEYS)
        if number in seen:
            reader.fail("no", f"nomor langkah {number} dipakai dua kali (duplicate step number)")
        seen.add(number)
        step_lanes = reader.texts("pelaksana")
        if not step_lanes:
            reader.fail("pelaksana", 'wajib diisi: id pelaksana, mis. ["kadis"]')
        for lane_id in step_lanes:
            if lane_id not in lane_ids:
                reader.fail(
                    "pelaksana",
                    f"pelaksana {lane_id!r} tidak dikenal (unknown lane); "
                    f"yang ada: {', '.join(lane_ids)}",
                )
        waktu = reader.text("waktu")
        try:
            minutes = parse_duration(waktu, bare_unit=bare_unit, minutes_per_day=per_day)
        except DurationError as exc:
            reader.fail("waktu", str(exc))
        kind_text = reader.text("jenis", required=False, default="proses").lower()
        if kind_text not in _KINDS:
            reader.fail("jenis", f"{kind_text!r}: pilih 'proses' atau 'keputusan'")
        kind = _KINDS[kind_text]
        return_to: int | None = None
        if kind is StepKind.DECISION:
            return_to = reader.integer("kembali_ke")
        elif "kembali_ke" in reader.table:
            reader.fail("kembali_ke", 'hanya untuk langkah jenis = "keputusan"')
        terminator = reader.table.get("terminator", False)
        if not isinstance(terminator, bool):
            reader.fail("terminator", "harus true atau false")
        steps.append(
            Step(
                number=number,
                kegiatan=reader.text("kegiatan"),
                lanes=step_lanes,
                kelengkapan=reader.text("kelengkapan", required=False),
                waktu=waktu,
                minutes=minutes,
                output=reader.text("output", required=False),
                keterangan=reader.text("keterangan", required=False),
                kind=kind,
                return_to=return_to,
                terminator=terminator,
                short=reader.text("singkat", required=False),
            )
        )
    _check_numbering(top, steps)
    return tuple(steps)


def _check_numbering(top: _Reader, steps: list[Step]) -> None:
    numbers = [step.number for step in steps]
    expected = list(range(1, len(steps) + 1))
    if numbers != expected:
        missing = sorted(set(expected) - set(numbers))
        if missing:
            top.fail("langkah", f"nomor langkah {missing[0]} tidak ada (missing step number)")
        top.fail("langkah", "langkah harus berurutan 1, 2, 3, ... (steps out of order)")
    for step in steps:
        if step.return_to is None:
            continue
        if step.return_to not in numbers:
            top.fail(
                f"langkah {step.number}, kembali_ke",
                f"langkah {step.return_to} tidak ada (decision returns to a missing step)",
            )
        if step.return_to >= step.number:
            top.fail(
                f"langkah {step.number}, kembali_ke",
                f"harus langkah sebelum {step.number}, bukan {step.return_to} "
                "(a decision returns to an earlier step)",
            )


def _documents(top: _Reader, steps: tuple[Step, ...]) -> tuple[DocumentSpec, ...]:
    """`[[dokumen]]`: the documents runs produce (`jenis`) and the step that signs them."""
    numbers = {step.number for step in steps}
    specs: list[DocumentSpec] = []
    declared = top.table.get("dokumen", [])
    if not isinstance(declared, list):
        top.fail("dokumen", "harus berupa daftar [[dokumen]]")
    for index, table in enumerate(declared, start=1):
        reader = _Reader(top.path, f"dokumen ke-{index}", table)
        reader.only("jenis", "ditandatangani")
        kind = reader.text("jenis").lower()
        if kind not in DECLARABLE:
            reader.fail(
                "jenis",
                f"{kind!r} tidak dikenal; pilih: {', '.join(DECLARABLE)} "
                "(lembar SOP selalu tersedia)",
            )
        if any(spec.kind == kind for spec in specs):
            reader.fail("jenis", f"{kind!r} sudah dinyatakan")
        signed_at = reader.integer("ditandatangani", required=False, default=0) or None
        if signed_at is not None and signed_at not in numbers:
            reader.fail("ditandatangani", f"langkah {signed_at} tidak ada")
        specs.append(DocumentSpec(kind, signed_at))
    return tuple(specs)
