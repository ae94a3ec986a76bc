"""Document services shared by the CLI and the TUI: performance data, the letter register
and the exports (.docx, and .pdf through LibreOffice when it is installed).

Exporters get domain objects only; this module is where the store is read and written.
"""

from __future__ import annotations

import contextlib
import copy
import os
import shutil
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
from soptrack.sop.documents import BY_ID, KINDS, SHEET, kind_named
from soptrack.sop.errors import BadInput, RuleViolation
from soptrack.sop.model import Sop, Step
from soptrack.sop.office import OfficeProfile
from soptrack.sop.performance import Performance
from soptrack.sop.performance_csv import read_files
from soptrack.sop.performance_csv import write_form as form_text
from soptrack.sop.run import Run, StepState
from soptrack.store.shared import match_permissions

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
        base = Performance() if replace_all else performance_of(run)
        return _with_extra(run, perf_mod.EXTRA_KEY, perf_mod.to_dict(base.merged(imported)))

    return services.repo.update_run(run_ref, change), imported


def write_form(
    services: Services, run_ref: str, output: Path | None = None, *, with_data: bool = False
) -> Path:
    run = services.repo.get_run(run_ref)
    path = _target(output or _export_dir(services), f"{run.id}-formulir-kinerja.csv", ".csv")
    path = path.absolute()
    payload = form_text(performance_of(run), with_data=with_data).encode("utf-8-sig")
    _write_file(path, lambda tmp: Path(tmp).write_bytes(payload))
    return path


# -- recipient of the surat pengantar --------------------------------------------------------


def recipient_of(run: Run):
    from soptrack.exporters.pengantar import Recipient

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
    kepada = " ".join(kepada.split())
    if not kepada:
        raise BadInput("penerima (Kepada Yth.) tidak boleh kosong")
    if eksemplar is not None and not 1 <= eksemplar <= 999:
        raise BadInput(f"banyaknya eksemplar {eksemplar} tidak masuk akal (1-999)")

    def change(run: Run) -> Run:
        old = recipient_of(run)
        new = replace(
            old,
            kepada=kepada,
            tempat=old.tempat if tempat is None else " ".join(tempat.split()),
            eksemplar=old.eksemplar if eksemplar is None else eksemplar,
            keterangan=old.keterangan if keterangan is None else keterangan.strip(),
        )
        return _with_extra(run, PENGANTAR_KEY, new.to_dict())

    return services.repo.update_run(run_ref, change)


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


def sign_date(run: Run, sop: Sop, kind: str, today: date) -> date:
    step = signing_step(sop, kind)
    if step is not None:
        record = run.record(step.number)
        if record.state is StepState.SELESAI and record.finished_at:
            return record.finished_at.date()
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
) -> list[Path]:
    """Write one document of a run; returns the files written (.docx, then .pdf)."""
    from soptrack.exporters.docx_common import check_paper

    kind = normalise_kind(kind)
    paper = check_paper(paper)
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
            from soptrack.exporters import pengukuran

            doc = pengukuran.render(
                run,
                office,
                performance_of(run),
                signed=signed,
                sign_date=sign_date(run, sop, kind, services.clock().date()),
                paper=paper,
            )
        else:
            doc = _pengantar(services, run, sop, office, signed, paper)
    target = _target(
        output or _export_dir(services), f"{run.id}-{BY_ID[kind].file_name}.docx", ".docx"
    )
    return _save(doc, target, pdf)


def _pengantar(
    services: Services, run: Run, sop: Sop, office: OfficeProfile, signed: bool, paper: str
) -> Any:
    from soptrack.exporters import pengantar
    from soptrack.exporters.docx_common import konsep_mark

    recipient = recipient_of(run)
    if signed:
        letter = allocate_letter(services, run, "pengantar")
        number, when = letter["number"], letters_mod.letter_date(letter)
    else:
        existing = _letter_row(services, run.id, "pengantar")
        number = existing["number"] if existing else "(nomor diberikan setelah ditandatangani)"
        when = letters_mod.letter_date(existing) if existing else services.clock().date()
    doc = pengantar.render(
        run, office, number=number, letter_date=when, recipient=recipient, paper=paper
    )
    if not signed:
        step = signing_step(sop, "pengantar")
        where = f"langkah {step.number}" if step else "run"
        konsep_mark(doc, f"dokumen belum ditandatangani ({where} belum selesai); belum bernomor")
    return doc


def export_sop(
    services: Services,
    sop_id: str,
    output: Path | str | None = None,
    pdf: bool = False,
    paper: str = "A4",
) -> list[Path]:
    from soptrack.exporters import sop_sheet
    from soptrack.exporters.docx_common import check_paper

    paper = check_paper(paper)
    sop = services.catalog.get(sop_id)
    doc = sop_sheet.render(sop, services.office(), paper=paper)
    target = _target(output or _export_dir(services), f"sop-{sop.id}.docx", ".docx")
    return _save(doc, target, pdf)


def _export_dir(services: Services) -> Path | None:
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


def _target(output: Path | str | None, default_name: str, suffix: str) -> Path:
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


def _save(doc: Any, target: Path, pdf: bool) -> list[Path]:
    target = target.absolute()
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
    if not pid.isdigit():
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
