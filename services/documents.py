"""Document services shared by the CLI and the TUI: performance data, the letter register
and the exports (.docx, and .pdf through LibreOffice when it is installed).

Exporters get domain objects only; this module is where the store is read and written.
"""

from __future__ import annotations

import contextlib
import copy
import os
import shutil
import stat
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from soptrack.services.core import Services
from soptrack.sop import letters as letters_mod
from soptrack.sop import performance as perf_mod
from soptrack.sop.dates import long_date
from soptrack.sop.documents import BY_ID, KINDS, SHEET, kind_named
from soptrack.sop.errors import BadInput, RuleViolation
from soptrack.sop.model import Sop, Step
from soptrack.sop.numbers import ascii_digits
from soptrack.sop.office import (
    OfficeProfile,
    SignMode,
    encode_logo,
    logo_summary,
    parse_sign_mode,
)
from soptrack.sop.officetime import office_date
from soptrack.sop.performance import Performance, clean_cell
from soptrack.sop.performance_csv import read_files
from soptrack.sop.performance_csv import write_form as form_text
from soptrack.sop.recipient import MAX_ROWS, Attachment, Recipient
from soptrack.sop.run import Run, StepState
from soptrack.store.shared import match_permissions, owner

_ANY = object()
PENGANTAR_KEY = "pengantar"
SOFFICE_HINT = (
    "LibreOffice tidak terpasang, jadi PDF tidak dibuat; pasang dengan: "
    "sudo apt-get install libreoffice-writer-nogui (lalu ulangi dengan --pdf), "
    "atau buka file .docx dan simpan sebagai PDF"
)


# -- performance data ----------------------------------------------------------------------


def performance_of(run: Run) -> Performance:
    return perf_mod.of_extra(run.extra)


def _with_extra(run: Run, key: str, value: Any) -> Run:
    extra = dict(run.extra)
    extra[key] = value
    return replace(run, extra=extra)


def stored_performance(run: Run) -> Any:
    """The stored form of a run's data: what a screen compares against before it saves."""
    return copy.deepcopy(run.extra.get(perf_mod.EXTRA_KEY))


def save_performance(
    services: Services, run_ref: str, perf: Performance, *, expected: Any = _ANY
) -> Run:
    """Store the whole data block. With `expected` (the stored form the editor started
    from), refuse when a colleague changed it meanwhile instead of overwriting their work."""
    perf_mod.check(perf)
    data = perf_mod.to_dict(perf)

    def change(run: Run) -> Run:
        check_uses_data(services, run)
        if expected is not _ANY and stored_performance(run) != expected:
            raise RuleViolation(
                f"Data kinerja {run.id} sudah diubah pengguna lain sejak layar ini dibuka; "
                "tutup (Esc), buka lagi (i) untuk melihat perubahannya, lalu ulangi."
            )
        return _with_extra(run, perf_mod.EXTRA_KEY, data)

    return services.repo.update_run(run_ref, change)


def import_forms(
    services: Services, run_ref: str, paths: list[Path], *, replace_all: bool = False
) -> tuple[Run, Performance]:
    """Read every file first (a bad row anywhere stores nothing), then merge into the run's
    data under the lock, or replace it with `replace_all`."""
    imported = read_files(paths)
    perf_mod.check(imported)

    def change(run: Run) -> Run:
        check_uses_data(services, run)
        base = Performance() if replace_all else performance_of(run)
        return _with_extra(run, perf_mod.EXTRA_KEY, perf_mod.to_dict(base.merged(imported)))

    return services.repo.update_run(run_ref, change), imported


def write_form(
    services: Services,
    run_ref: str,
    output: Path | None = None,
    *,
    with_data: bool = False,
    triwulan: bool | None = None,
) -> Path:
    """The collection form; TW I-IV columns with `triwulan`, or when the data has them."""
    run = services.repo.get_run(run_ref)
    check_uses_data(services, run)
    path = target_path(
        output or export_dir(services), f"{run.id}-formulir-kinerja.csv", ".csv"
    ).absolute()
    text = form_text(performance_of(run), with_data=with_data, triwulan=triwulan or None)
    payload = text.encode("utf-8-sig")
    _write_file(path, lambda tmp: Path(tmp).write_bytes(payload))
    return path


# -- recipient of the surat pengantar --------------------------------------------------------


def recipient_of(run: Run) -> Recipient:
    return Recipient.from_dict(run.extra.get(PENGANTAR_KEY))


def set_recipient(
    services: Services,
    run_ref: str,
    kepada: str,
    *,
    tempat: str | None = None,
    eksemplar: int | None = None,
    keterangan: str | None = None,
) -> Run:
    kepada = clean_cell(kepada)
    if not kepada:
        raise BadInput("penerima (Kepada Yth.) tidak boleh kosong")
    if eksemplar is not None and not 1 <= eksemplar <= 999:
        raise BadInput(f"banyaknya eksemplar {eksemplar} tidak masuk akal (1-999)")

    def change(old: Recipient) -> Recipient:
        return replace(
            old,
            kepada=kepada,
            tempat=old.tempat if tempat is None else clean_cell(tempat),
            eksemplar=old.eksemplar if eksemplar is None else eksemplar,
            keterangan=old.keterangan if keterangan is None else clean_cell(keterangan),
        )

    return _change_recipient(services, run_ref, change)


def _change_recipient(
    services: Services, run_ref: str, change: Callable[[Recipient], Recipient]
) -> Run:
    def apply(run: Run) -> Run:
        check_declared(run, services.sop_of(run), "pengantar")
        return _with_extra(run, PENGANTAR_KEY, change(recipient_of(run)).to_dict())

    return services.repo.update_run(run_ref, apply)


def add_attachment(
    services: Services,
    run_ref: str,
    naskah: str,
    *,
    banyaknya: int = 1,
    satuan: str = "buah",
    keterangan: str = "",
) -> Run:
    """A further row of the surat pengantar's table (e.g. the softcopy on a flashdisk)."""
    naskah = clean_cell(naskah)
    if not naskah:
        raise BadInput('lampiran: tulis naskah yang dikirim, mis. "Softcopy dokumen (flashdisk)"')
    if not 1 <= banyaknya <= 999:
        raise BadInput(f"banyaknya {banyaknya} tidak masuk akal (1-999)")
    row = Attachment(naskah, banyaknya, clean_cell(satuan) or "buah", clean_cell(keterangan))

    def change(old: Recipient) -> Recipient:
        if len(old.lampiran) + 1 >= MAX_ROWS:
            raise BadInput(f"surat pengantar paling banyak {MAX_ROWS} baris")
        return replace(old, lampiran=(*old.lampiran, row))

    return _change_recipient(services, run_ref, change)


def add_tembusan(services: Services, run_ref: str, text: str) -> Run:
    text = clean_cell(text)
    if not text:
        raise BadInput('tembusan: tulis penerima tembusan, mis. "Bupati Banggai di Luwuk"')

    def change(old: Recipient) -> Recipient:
        if len(old.tembusan) >= 20:
            raise BadInput("tembusan paling banyak 20 baris")
        return replace(old, tembusan=(*old.tembusan, text))

    return _change_recipient(services, run_ref, change)


def remove_item(services: Services, run_ref: str, field: str, number: int | None) -> Run:
    """Remove row `number` (1-based as listed) of the lampiran or tembusan; None clears all."""
    label = {"lampiran": "lampiran", "tembusan": "tembusan"}[field]

    def change(old: Recipient) -> Recipient:
        items = list(getattr(old, field))
        cleared: dict[str, Any] = {field: ()}
        if number is None:
            return replace(old, **cleared)
        if not 1 <= number <= len(items):
            raise BadInput(
                f"{label} nomor {number} tidak ada (ada {len(items)}); lihat: "
                f"soptrack data {run_ref} {label}"
            )
        del items[number - 1]
        kept: dict[str, Any] = {field: tuple(items)}
        return replace(old, **kept)

    return _change_recipient(services, run_ref, change)


# -- office profile: the emblem ----------------------------------------------------------------


def set_logo(services: Services, path: Path | str) -> str:
    """Store the emblem's bytes in the shared database (checked, size-limited), so every
    colleague's export carries it; '-' removes it. Returns what `office show` prints."""
    if str(path) in ("", "-"):
        services.set_office("logo", "-")
        return "(tidak ada)"
    path = Path(path).expanduser()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(f"{path}: tidak dapat dibaca: {exc.strerror or exc}") from None
    services.set_office("logo", encode_logo(data, str(path)))
    return logo_summary(services.office().logo)


# -- signing ---------------------------------------------------------------------------------


def signing_step(sop: Sop, kind: str) -> Step | None:
    """The step whose completion signs this document, as the SOP declares it; None when the
    SOP names none (the document is then signed when the run is finished)."""
    spec = sop.document(kind)
    if spec is None or spec.signed_at is None:
        return None
    return sop.find_step(spec.signed_at)


def is_signed(run: Run, sop: Sop, kind: str) -> bool:
    step = signing_step(sop, kind)
    if step is None:
        return run.finished
    return run.record(step.number).state is StepState.SELESAI


def sign_date(run: Run, sop: Sop, kind: str, today: date, zone: str = "") -> date:
    """The day the signing step was done, on the office's calendar (`zone`)."""
    step = signing_step(sop, kind)
    if step is not None:
        record = run.record(step.number)
        if record.state is StepState.SELESAI and record.finished_at:
            return office_date(record.finished_at, zone) if zone else record.finished_at.date()
    return today


# -- letter register -------------------------------------------------------------------------


def allocate_letter(services: Services, run: Run, kind: str) -> dict[str, Any]:
    """The run's number for this kind of letter; the next of the year if it has none yet.
    Runs under the store's lock on a fresh read, so concurrent exports never collide."""
    office = services.office()
    subject = run.title

    def change(rows: list[dict[str, Any]]) -> dict[str, Any]:
        now = services.clock()  # under the lock: a waiting writer does not date backwards
        return dict(
            letters_mod.allocate(
                rows,
                run_id=run.id,
                kind=kind,
                office=office,
                now=now,
                user=services.user,
                subject=subject,
            )
        )

    return services.repo.modify(letters_mod.TABLE, change)


def letters(services: Services, year: int | None = None) -> list[dict[str, Any]]:
    return letters_mod.register_rows(services.repo.rows(letters_mod.TABLE), year)


def run_signed(services: Services, run_ref: str, kind: str) -> bool:
    run = services.repo.get_run(run_ref)
    return is_signed(run, services.sop_of(run), kind)


def letter_rows(
    run: Run, office: OfficeProfile, recipient: Recipient
) -> list[tuple[str, str, str]]:
    """The surat pengantar's table as the letter prints it: the document, then the lampiran."""
    # python-docx: imported only when a document is written (start-up time)
    from soptrack.exporters.pengantar import rows_of

    return rows_of(run, office, recipient)


def letter_of(services: Services, run_ref: str, kind: str) -> dict[str, Any] | None:
    """For a letter kind, the run's register row ({} while it has no number); else None."""
    document = kind_named(kind)
    if document is None or not document.letter:
        return None
    return _letter_row(services, services.repo.get_run(run_ref).id, document.id) or {}


def _letter_row(services: Services, run_id: str, kind: str) -> dict[str, Any] | None:
    return letters_mod.find(services.repo.rows(letters_mod.TABLE), run_id, kind)


# -- exports ---------------------------------------------------------------------------------


def normalise_kind(kind: str) -> str:
    document = kind_named(kind)
    if document is None:
        names = ", ".join(k.id for k in KINDS)
        raise BadInput(f"jenis dokumen {kind!r} tidak dikenal; pilih: {names}")
    return document.id


def check_uses_data(services: Services, run: Run) -> None:
    """Refuse performance data (the form, an import, an edit) for a run whose SOP declares
    no document made from it: the data would be stored for nothing (the TUI's `i` says
    the same)."""
    sop = services.sop_of(run)
    if not sop.uses_performance_data:
        raise RuleViolation(
            f"{sop.name} tidak menyatakan dokumen dari data kinerja; run {run.id} hanya "
            f"punya lembar SOP (soptrack export {run.id} {SHEET})"
        )


def check_declared(run: Run, sop: Sop, kind: str) -> None:
    """Refuse a document the run's SOP does not produce, naming those it does."""
    if sop.document(kind) is None:
        offered = ", ".join(k.id for k in sop.document_kinds)
        raise RuleViolation(
            f"{BY_ID[kind].label} tidak dinyatakan oleh {sop.name} ({sop.id}); run {run.id} "
            f"dapat mengekspor: {offered} (mis. soptrack export {run.id} {SHEET})"
        )


def export(
    services: Services,
    run_ref: str,
    kind: str,
    output: Path | str | None = None,
    pdf: bool = False,
    paper: str = "A4",
    *,
    signer: str | None = None,
    landscape: bool | None = None,
) -> list[Path]:
    """Write one document of a run; returns the files written (.docx, then .pdf).
    `signer` (kepala, an, plt, plh) and `landscape` (PK only) override the office's
    settings for this export."""
    # python-docx: imported only when a document is written (start-up time)
    from soptrack.exporters.docx_common import check_paper

    kind = normalise_kind(kind)
    paper = check_paper(paper)
    mode = parse_sign_mode(signer) if signer else None
    run = services.repo.get_run(run_ref)
    sop = services.sop_of(run)
    office = services.office()
    check_declared(run, sop, kind)
    if kind == SHEET:
        from soptrack.exporters import sop_sheet  # python-docx: only when a document is written

        doc = sop_sheet.render(sop, office, paper=paper)
    else:
        signed = is_signed(run, sop, kind)
        if kind == "pk":
            # python-docx: imported only when a document is written (start-up time)
            from soptrack.exporters import pengukuran

            doc = pengukuran.render(
                run,
                office,
                performance_of(run),
                signed=signed,
                sign_date=sign_date(run, sop, kind, services.clock().date(), office.zona),
                paper=paper,
                landscape=landscape,
                signer=mode,
            )
        else:
            doc = _pengantar(services, run, sop, office, signed, paper, mode)
    target = target_path(
        output or export_dir(services), f"{run.id}-{BY_ID[kind].file_name}.docx", ".docx"
    )
    return save_document(doc, target, pdf)


def _pengantar(
    services: Services,
    run: Run,
    sop: Sop,
    office: OfficeProfile,
    signed: bool,
    paper: str,
    mode: SignMode | None,
) -> Any:
    """One rule for the number: it is given when the document is signed and stays reserved
    to the run from then on, also after an undo of the signing, so every export of the run
    shows the same number; a konsep says which. No number goes out without an addressee."""
    # python-docx: imported only when a document is written (start-up time)
    from soptrack.exporters import pengantar
    from soptrack.exporters.letterhead import konsep_mark

    recipient = recipient_of(run)
    existing = _letter_row(services, run.id, "pengantar")
    step = signing_step(sop, "pengantar")
    where = f"langkah {step.number}" if step else "run"
    if signed and existing is None and not recipient.kepada:
        raise RuleViolation(
            f"Surat pengantar {run.id} belum punya penerima (Kepada Yth.), jadi belum diberi "
            f'nomor; isi dulu: soptrack data {run.id} recipient "Kepala BAPPEDA Kabupaten '
            'Banggai" (--place Luwuk), lalu ekspor lagi'
        )
    office.signature_block(mode or office.sign_mode("pengantar"))  # refuse before numbering
    when: date | None
    if signed:
        letter = existing or allocate_letter(services, run, "pengantar")
        number, when = letter["number"], letters_mod.letter_date(letter)
    elif existing is not None:
        number, when = existing["number"], None
    else:
        number, when = "(nomor diberikan setelah ditandatangani)", None
    doc = pengantar.render(
        run,
        office,
        number=number,
        letter_date=when,
        recipient=recipient,
        paper=paper,
        signer=mode,
        year=services.clock().year,
    )
    if not signed:
        if existing is not None:
            reason = (
                f"penandatanganan ({where}) dibatalkan; nomor {existing['number']} "
                f"(diberikan {long_date(letters_mod.letter_date(existing))}) tetap milik run "
                "ini dan dipakai lagi setelah ditandatangani"
            )
        else:
            reason = f"dokumen belum ditandatangani ({where} belum selesai); belum bernomor"
        konsep_mark(doc, reason)
    return doc


def export_sop(
    services: Services,
    sop_id: str,
    output: Path | str | None = None,
    pdf: bool = False,
    paper: str = "A4",
) -> list[Path]:
    # python-docx: imported only when a document is written (start-up time)
    from soptrack.exporters import sop_sheet
    from soptrack.exporters.docx_common import check_paper

    paper = check_paper(paper)
    sop = services.catalog.get(sop_id)
    doc = sop_sheet.render(sop, services.office(), paper=paper)
    target = target_path(output or export_dir(services), f"sop-{sop.id}.docx", ".docx")
    return save_document(doc, target, pdf)


def export_dir(services: Services) -> Path | None:
    """`ekspor = "FOLDER"` in a config file: documents go there unless -o says otherwise."""
    setting = services.config.export_dir
    if setting is None:
        return None
    folder = Path(setting.value)
    if not folder.is_dir():
        raise BadInput(
            f"folder ekspor {folder} ({setting.source}) tidak ada; buat foldernya atau ubah "
            "ekspor di file itu"
        )
    return folder


def target_path(output: Path | str | None, default_name: str, suffix: str) -> Path:
    if output is None or str(output) == "":
        return Path.cwd() / default_name
    path = Path(output).expanduser()
    if path.is_dir():
        return path / default_name
    if not path.suffix:
        return path.with_suffix(suffix)
    if path.suffix.lower() != suffix:
        raise BadInput(f"{path}: nama file harus berakhiran {suffix}")
    return path


def save_document(doc: Any, target: Path, pdf: bool) -> list[Path]:
    target = target.absolute()
    if pdf:  # LibreOffice writes it beside the .docx: refused before either is written
        check_replaceable(target.with_suffix(".pdf"))
    _write_file(target, doc.save)
    written = [target]
    if pdf:
        written.append(to_pdf(target))
    return written


def _write_file(target: Path, write: Callable[[str], object]) -> None:
    """Every file soptrack exports (.docx, .csv) is written the same way: a temporary file
    beside the target, then os.replace, with the mode and group of the file it replaces (or
    the folder's, for a new file), so a colleague can read a form like a document."""
    if not target.parent.is_dir():
        raise BadInput(f"folder {target.parent} tidak ada")
    check_replaceable(target)
    _remove_stale_exports(target.parent)
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f"{_TMP_PREFIX}{os.getpid()}-", suffix=target.suffix, dir=target.parent
        )
    except OSError as exc:
        raise BadInput(
            f"{target}: tidak dapat ditulis di folder {target.parent}: {exc.strerror or exc}; "
            "pilih folder lain dengan -o"
        ) from None
    os.close(fd)
    try:
        write(tmp)
        # mkstemp makes the file private; a document is for colleagues too
        match_permissions(tmp, str(target))
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise BadInput(f"{target}: tidak dapat ditulis: {exc.strerror or exc}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_replaceable(target: Path) -> None:
    """An existing file is replaced only when this user may write it. The rename that
    replaces it needs only the folder's permission, so a read-only file of a colleague in a
    shared (or world-writable) folder would be swapped for one of ours: refused instead, as
    is anything that is not a regular file (a folder, a FIFO, a device)."""
    try:
        st = target.stat()
    except FileNotFoundError:
        return  # new (or a dangling link, replaced by the file)
    except OSError as exc:
        raise BadInput(f"{target}: tidak dapat dibuka: {exc.strerror}; pilih nama lain") from None
    if not stat.S_ISREG(st.st_mode):
        raise BadInput(
            f"{target} sudah ada dan bukan file biasa ({stat.filemode(st.st_mode)}); "
            "pilih nama lain dengan -o"
        )
    if not os.access(target, os.W_OK):
        raise BadInput(
            f"{target} sudah ada dan tidak boleh ditulis pengguna ini (pemilik {owner(st)}, mode "
            f"{stat.filemode(st.st_mode)}); pilih nama lain dengan -o, atau minta pemiliknya "
            "mengizinkan (chmod g+w)"
        )


_TMP_PREFIX = ".soptrack-"
_STALE_SECONDS = 3600


def _remove_stale_exports(folder: Path) -> None:
    """Temporary files of exports that were killed mid-write: those of a process that is
    gone, or (older names without a process id) more than an hour old."""
    now = time.time()
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if not entry.name.startswith(_TMP_PREFIX) or not entry.is_file(follow_symlinks=False):
                continue
            if _writer_alive(entry.name) and now - entry.stat().st_mtime < _STALE_SECONDS:
                continue
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def _writer_alive(name: str) -> bool:
    pid = name[len(_TMP_PREFIX) :].split("-", 1)[0]
    if not ascii_digits(pid):
        return True  # an old-style name: judged by age alone
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process
    return True


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx: Path, *, timeout: float = 180) -> Path:
    """Convert with `soffice --headless --convert-to pdf`, in a private LibreOffice profile so
    a running LibreOffice (or a parallel export) does not block it."""
    binary = soffice()
    if binary is None:
        raise BadInput(f"{docx} sudah ditulis. {SOFFICE_HINT}")
    with tempfile.TemporaryDirectory(prefix="soptrack-lo-") as profile:
        command = [
            binary,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(docx.parent),
            str(docx),
        ]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise BadInput(
                f"{docx} sudah ditulis; LibreOffice tidak selesai membuat PDF "
                f"dalam {timeout:g} detik"
            ) from None
    pdf = docx.with_suffix(".pdf")
    if result.returncode != 0 or not pdf.exists():
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise BadInput(
            f"{docx} sudah ditulis; LibreOffice gagal membuat PDF"
            + (f": {detail[-1]}" if detail else "")
        )
    return pdf
