"""Every document rendered by LibreOffice, page by page, as a Sekretaris would read it
before signing: A4 and F4, 1, 6, 12 and 25 indicators, KONSEP and signed. The last page
must carry content (table rows or the Catatan) with the signature, never the signature
alone; continuation pages repeat the table header and name their Sasaran.

Skipped without LibreOffice (`soffice`) or poppler (`pdftotext`)."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from doc_samples import SASARAN, emblem_png, sample

from soptrack.exporters import pengantar, pengukuran
from soptrack.exporters.letterhead import konsep_mark
from soptrack.sop.catalog import Catalog
from soptrack.sop.model import Signatory
from soptrack.sop.office import OfficeProfile, SignMode, encode_logo
from soptrack.sop.performance import Performance
from soptrack.sop.recipient import Attachment, Recipient
from soptrack.sop.run import Actor, new_run

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice or pdftotext not installed",
)

WITA = timezone(timedelta(hours=8))
PK = Catalog.load([]).get("pengukuran-kinerja")
RUN = new_run(
    "pk-1",
    PK.id,
    [s.number for s in PK.steps],
    "PK 2026",
    2026,
    Actor("t"),
    datetime(2026, 11, 25, 9, tzinfo=WITA),
)
OFFICE = OfficeProfile(
    alamat="Jl. Jend. Sudirman No. 1, Luwuk",
    telepon="(0461) 21000",
    kode_pos="94711",
    email="dinsos@banggaikab.go.id",
    website="dinsos.banggaikab.go.id",
    pengganti=Signatory("Sekretaris", "Drs. MOH. RIZAL LAHAMA, M.Si", "19700512 199503 1 004"),
)
SIGNATURE_LINE = re.compile(
    r"^(Luwuk, .*|KEPALA DINAS SOSIAL|KABUPATEN BANGGAI|a\.n\. KEPALA DINAS SOSIAL|Sekretaris"
    r"|SYAIFUDDIN MUID, SH|Drs\. MOH\. RIZAL LAHAMA, M\.Si|NIP\. [\d ]+|Halaman \d+ dari \d+"
    r"|KONSEP.*)$"
)
CLEAN = [(paper, n) for paper in ("A4", "F4") for n in (7, 10, 19, 25)]
CASES = [
    (paper, n, signed) for paper in ("A4", "F4") for n in (1, 6, 12, 25) for signed in (True, False)
]


def convert(files: list[Path], out: Path) -> None:
    """One LibreOffice for all files, in a private profile (a running LibreOffice or a
    colleague's conversion must not block it)."""
    profile = out / "lo-profile"
    subprocess.run(
        [
            shutil.which("soffice") or "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, files),
        ],
        capture_output=True,
        timeout=600,
        check=True,
    )


def pages(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.rstrip("\f\n").split("\f")


def lines(page: str) -> list[str]:
    return [" ".join(line.split()) for line in page.splitlines() if line.strip()]


def content_lines(page: str) -> list[str]:
    """What a page holds besides the signature block, page number and KONSEP marks."""
    return [line for line in lines(page) if not SIGNATURE_LINE.match(line)]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    out = tmp_path_factory.mktemp("render")
    files: list[Path] = []
    for paper, n, signed in CASES:
        doc = pengukuran.render(
            RUN,
            OFFICE,
            sample(n, 4 if n <= 6 else 9),
            signed=signed,
            sign_date=date(2026, 11, 25),
            paper=paper,
        )
        path = out / f"pk-{paper}-{n}-{'ttd' if signed else 'konsep'}.docx"
        doc.save(str(path))
        files.append(path)
    for paper, n in CLEAN:  # no notes at all: the table's last rows travel alone
        perf = sample(n, 3)
        perf = Performance(
            tuple(replace(i, keterangan="") for i in perf.indicators), perf.programs[:2]
        )
        doc = pengukuran.render(
            RUN, OFFICE, perf, signed=True, sign_date=date(2026, 11, 25), paper=paper
        )
        path = out / f"pk-{paper}-{n}-clean.docx"
        doc.save(str(path))
        files.append(path)
    for paper in ("A4", "F4"):
        doc = pengukuran.render(
            RUN,
            OFFICE,
            sample(25, 9, triwulan=True),
            signed=True,
            sign_date=date(2026, 11, 25),
            paper=paper,
            signer=SignMode.AN,
        )
        path = out / f"pk-{paper}-tw-an.docx"
        doc.save(str(path))
        files.append(path)
        recipient = Recipient(
            "Kepala Badan Perencanaan Pembangunan Daerah Kabupaten Banggai",
            "Luwuk",
            2,
            lampiran=(Attachment("Softcopy dokumen (PDF) dalam flashdisk", 1, "buah"),),
            tembusan=("Bupati Banggai di Luwuk (sebagai laporan)", "Arsip"),
        )
        office = replace(OFFICE, logo=encode_logo(emblem_png()))
        for name, signer, when in (
            ("ttd", SignMode.KEPALA, date(2026, 11, 26)),
            ("an", SignMode.AN, date(2026, 11, 26)),
            ("konsep", SignMode.KEPALA, None),
        ):
            doc = pengantar.render(
                RUN,
                office,
                number="000.8.3.3/1/Dinsos/2026",
                letter_date=when,
                recipient=recipient,
                paper=paper,
                signer=signer,
                year=2026,
            )
            if when is None:
                konsep_mark(doc, "dokumen belum ditandatangani; belum bernomor")
            path = out / f"pengantar-{paper}-{name}.docx"
            doc.save(str(path))
            files.append(path)
    convert(files, out)
    return {f.stem: pages(f.with_suffix(".pdf")) for f in files}


@pytest.mark.parametrize(("paper", "n", "signed"), CASES)
def test_pk_signature_travels_with_content(
    rendered: dict[str, list[str]], paper: str, n: int, signed: bool
) -> None:
    doc = rendered[f"pk-{paper}-{n}-{'ttd' if signed else 'konsep'}"]
    if n == 1:
        assert len(doc) == 1
    assert len(doc) <= 1 + n // 5
    last = doc[-1]
    assert "SYAIFUDDIN MUID, SH" in last and "NIP. 19660113 199203 1 002" in last
    assert "KEPALA DINAS SOSIAL" in lines(last) and "KABUPATEN BANGGAI" in lines(last)
    # table rows or the Catatan share the last page with the signature
    assert len(content_lines(last)) >= 2, lines(last)
    assert any(marker in last for marker in ("Jumlah", "Catatan", "Keterangan sumber", "Program"))
    date_line = "Luwuk, 25 November 2026" if signed else "Luwuk, ............ 2026"
    assert date_line in lines(last)


@pytest.mark.parametrize(("paper", "n"), CLEAN)
def test_pk_without_notes_keeps_table_rows_with_the_signature(
    rendered: dict[str, list[str]], paper: str, n: int
) -> None:
    last = rendered[f"pk-{paper}-{n}-clean"][-1]
    assert "Catatan" not in last and "SYAIFUDDIN MUID, SH" in last
    flat = " ".join(content_lines(last))
    assert "Jumlah" in flat and "Program" in flat  # at least the last rows and Jumlah


@pytest.mark.parametrize("paper", ["A4", "F4"])
def test_pk_continuation_pages_name_their_sasaran(
    rendered: dict[str, list[str]], paper: str
) -> None:
    doc = rendered[f"pk-{paper}-25-ttd"]
    assert len(doc) >= 2
    checked = 0
    for page in doc[1:]:
        flat = " ".join(lines(page)).split("B. PROGRAM DAN ANGGARAN")[0]
        if not re.search(r"\b(Baik|Kurang|Cukup)\b", flat):
            continue  # no indicator rows on this page
        assert "Sasaran Strategis" in flat  # the repeated header row
        assert any(s.split()[1] in flat for s in SASARAN)  # a Sasaran named on the page
        checked += 1
    assert checked  # the table does run onto a second page
    flat = " ".join(" ".join(lines(page)) for page in doc)
    assert "(lanjutan)" in flat and "103,13" in flat and "100,00" in flat


@pytest.mark.parametrize("paper", ["A4", "F4"])
def test_pk_with_quarters_and_an_signature(rendered: dict[str, list[str]], paper: str) -> None:
    doc = rendered[f"pk-{paper}-tw-an"]
    last = doc[-1]
    assert "a.n. KEPALA DINAS SOSIAL" in lines(last) and "Sekretaris" in lines(last)
    assert len(content_lines(last)) >= 2
    assert "TW I" in doc[0] and "TW IV" in doc[0]


@pytest.mark.parametrize("paper", ["A4", "F4"])
@pytest.mark.parametrize("name", ["ttd", "an", "konsep"])
def test_pengantar_on_one_page(rendered: dict[str, list[str]], paper: str, name: str) -> None:
    doc = rendered[f"pengantar-{paper}-{name}"]
    assert len(doc) == 1
    page = " ".join(lines(doc[0]))
    assert "SURAT PENGANTAR" in page and "Nomor: 000.8.3.3/1/Dinsos/2026" in page
    assert "Softcopy dokumen (PDF)" in page and "Diterima tanggal" in page
    assert "Tembusan:" in page and "2. Arsip" in page
    assert "Kode Pos 94711" in page
    if name == "an":
        assert "a.n. KEPALA DINAS SOSIAL" in page and "Drs. MOH. RIZAL LAHAMA" in page
    if name == "konsep":
        assert "Luwuk, ............ 2026" in page
