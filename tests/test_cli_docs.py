"""The document commands end to end through a subprocess: form, data import/show/recipient,
export pk|pengantar|sop (and --pdf), sop export, letters."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest


@pytest.fixture
def sh(tmp_path: Path):
    """`soptrack ...` in a scratch folder with its own --db."""
    db = tmp_path / "db.json"

    def run(*args: str, check: bool = True, env: dict[str, str] | None = None):
        result = subprocess.run(
            [sys.executable, "-m", "soptrack", *args, "--db", str(db)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env={**os.environ, **(env or {})},
            timeout=180,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"{args}: exit {result.returncode}\n{result.stderr}")
        return result

    return run


FILLED = (
    "\ufeffJenis;Sasaran Strategis;Indikator Kinerja;Satuan;Target;Realisasi;Arah;Program;"
    "Pagu Anggaran (Rp);Realisasi Anggaran (Rp);Keterangan\r\n"
    "kinerja;Meningkatnya kesejahteraan sosial PMKS;Persentase PMKS tertangani;%;80;85,5;naik"
    ";;;;\r\n"
    "kinerja;Meningkatnya kesejahteraan sosial PMKS;Penyandang disabilitas terlantar;orang;"
    "120;90;turun;;;;\r\n"
    "kinerja;Meningkatnya kualitas pelayanan sosial;Indeks kepuasan masyarakat;indeks;0;3,2;"
    "naik;;;;\r\n"
    "program;;;;;;;Program Perlindungan dan Jaminan Sosial;1.250.000.000;1.187.500.000;\r\n"
)


def text_of(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    parts += [s.header._element.xml for s in document.sections]
    return "\n".join(parts)


def walk(sh, run_id: str, steps: range) -> None:
    for n in steps:
        sh("step", run_id, str(n), "start")
        sh("step", run_id, str(n), "approve" if n == 9 else "done")


def test_pengukuran_kinerja_documents_end_to_end(sh, tmp_path: Path) -> None:
    run_id = sh(
        "run", "new", "pengukuran-kinerja", "--title", "PK 2026", "--year", "2026"
    ).stdout.strip()
    out = sh("form", run_id, "-o", "form.csv").stdout
    assert "form.csv" in out and (tmp_path / "form.csv").read_text(encoding="utf-8-sig").startswith(
        "Jenis;Sasaran Strategis"
    )
    (tmp_path / "filled.csv").write_text(FILLED, encoding="utf-8")
    assert "3 indikator dan 1 program" in sh("data", run_id, "import", "filled.csv").stdout
    shown = json.loads(sh("data", run_id, "show", "--json").stdout)
    caps = [row["capaian"] for row in shown["indicators"]]
    assert caps[0] == pytest.approx(106.88) and caps[1] == pytest.approx(125.0)
    assert caps[2] is None and shown["indicators"][2]["capaian_text"] == "-"
    assert "106,88" in sh("data", run_id, "show").stdout

    walk(sh, run_id, range(1, 11))
    sh("export", run_id, "pk")  # default name in the current folder
    draft = tmp_path / f"{run_id}-pengukuran-kinerja.docx"
    assert "KONSEP" in text_of(draft)
    letter = sh("export", run_id, "pengantar", "-o", "draft-letter.docx").stdout
    assert "belum ditandatangani" in letter

    walk(sh, run_id, range(11, 12))
    refused = sh("export", run_id, "pengantar", "-o", "letter.docx", check=False)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert f"soptrack data {run_id} recipient" in refused.stderr  # no number, no addressee
    assert json.loads(sh("letters", "--json").stdout) == []
    sh("data", run_id, "recipient", "Kepala BAPPEDA Kabupaten Banggai", "--place", "Luwuk")
    walk(sh, run_id, range(12, 14))
    sh("export", run_id, "pk", "-o", "pk.docx", "--paper", "F4")
    signed = text_of(tmp_path / "pk.docx")
    assert "KONSEP" not in signed and "106,88" in signed and "125,00" in signed
    first = sh("export", run_id, "pengantar", "-o", "letter.docx").stdout
    assert "Nomor surat: 000.8.3.3/1/Dinsos/" in first
    letter_text = text_of(tmp_path / "letter.docx")
    assert "Yth. Kepala BAPPEDA Kabupaten Banggai" in letter_text
    number = first.split("Nomor surat: ")[1].strip()
    assert f"Nomor: {number}" in letter_text
    again = sh("export", run_id, "pengantar", "-o", "letter2.docx").stdout
    assert f"Nomor surat: {number}" in again  # re-export keeps the number

    second = sh(
        "run", "new", "pengukuran-kinerja", "--title", "PK 2026 ulang", "--year", "2026"
    ).stdout.strip()
    sh("data", second, "recipient", "Kepala Inspektorat")
    walk(sh, second, range(1, 12))
    assert "/2/Dinsos/" in sh("export", second, "pengantar", "-o", "l2.docx").stdout
    register = json.loads(sh("letters", "--json").stdout)
    assert [(r["nomor"], r["run"]) for r in register] == [(1, run_id), (2, second)]
    assert number in sh("letters").stdout
    year = register[0]["year"]
    assert json.loads(sh("letters", "--year", str(year - 1), "--json").stdout) == []

    sh("export", run_id, "sop", "-o", "sheet.docx")
    sheet = docx.Document(str(tmp_path / "sheet.docx")).element.xml
    assert 'name="simbol langkah 1"' in sheet  # the flowchart's shapes (issue 13)
    out = sh("sop", "export", "monitoring-renstra").stdout
    assert (tmp_path / "sop-monitoring-renstra.docx").exists() and "Ditulis" in out
    assert "Mekanisme" in sh("sop", "show", "pengukuran-kinerja").stdout  # still works


def test_bad_csv_row_exit_2_with_line_and_nothing_imported(sh, tmp_path: Path) -> None:
    run_id = sh(
        "run", "new", "pengukuran-kinerja", "--title", "PK", "--year", "2026"
    ).stdout.strip()
    (tmp_path / "bad.csv").write_text(
        FILLED.replace("120;90;turun", "120;sembilan puluh;turun"), encoding="utf-8"
    )
    result = sh("data", run_id, "import", "bad.csv", check=False)
    assert result.returncode == 2
    assert "bad.csv: baris 3: kolom Realisasi" in result.stderr
    assert "Traceback" not in result.stderr
    assert json.loads(sh("data", run_id, "show", "--json").stdout)["indicators"] == []
    missing = sh("export", run_id, "laporan", check=False)
    assert missing.returncode == 2 and "jenis dokumen" in missing.stderr


def test_pdf_missing_libreoffice_is_explained(sh, tmp_path: Path) -> None:
    sh("run", "new", "pengukuran-kinerja", "--title", "PK", "--year", "2026")
    bare = tmp_path / "bin"
    bare.mkdir()
    result = sh(
        "sop", "export", "pengukuran-kinerja", "--pdf", check=False, env={"PATH": str(bare)}
    )
    assert result.returncode == 2
    assert "LibreOffice tidak terpasang" in result.stderr
    assert (tmp_path / "sop-pengukuran-kinerja.docx").exists()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_pdf_through_libreoffice(sh, tmp_path: Path) -> None:
    sh("run", "new", "pengukuran-kinerja", "--title", "PK", "--year", "2026")
    out = sh("export", "pk-1", "pk", "--pdf", "-o", "pk.docx").stdout
    pdf = tmp_path / "pk.pdf"
    assert f"Ditulis: {pdf}" in out and pdf.read_bytes().startswith(b"%PDF")


def test_lampiran_tembusan_signer_and_logo_commands(sh, tmp_path: Path) -> None:
    from doc_samples import emblem_png

    run_id = sh(
        "run", "new", "pengukuran-kinerja", "--title", "PK", "--year", "2026"
    ).stdout.strip()
    sh("data", run_id, "recipient", "Kepala\x1b[2J BAPPEDA\x07", "--place", "Luwuk")
    shown = json.loads(sh("data", run_id, "show", "--json").stdout)
    assert shown["recipient"]["kepada"] == "Kepala[2J BAPPEDA"  # control characters gone
    out = sh("data", run_id, "lampiran", "add", "Softcopy (flashdisk)", "--keterangan", "PDF")
    assert "Softcopy (flashdisk)" in out.stdout and "1 (satu) buah" in out.stdout
    sh("data", run_id, "lampiran", "add", "Salinan SK Tim SAKIP", "--copies", "3")
    bad = sh("data", run_id, "lampiran", "remove", "1", check=False)
    assert bad.returncode == 2 and "dokumennya sendiri" in bad.stderr
    assert "Salinan SK" not in sh("data", run_id, "lampiran", "remove", "3").stdout
    sh("data", run_id, "tembusan", "add", "Bupati Banggai di Luwuk")
    sh("data", run_id, "tembusan", "add", "Arsip")
    assert "2" in sh("data", run_id, "tembusan").stdout
    missing = sh("data", run_id, "tembusan", "remove", "7", check=False)
    assert missing.returncode == 2 and "tidak ada" in missing.stderr

    (tmp_path / "logo.png").write_bytes(emblem_png())
    assert "PNG" in sh("office", "set", "logo", "logo.png").stdout
    (tmp_path / "bad.png").write_text("not an image")
    bad = sh("office", "set", "logo", "bad.png", check=False)
    assert bad.returncode == 2 and "bukan gambar" in bad.stderr
    assert "PNG" in sh("office", "show").stdout
    sh("office", "set", "kepala.jabatan", "KEPALA DINAS SOSIAL / KABUPATEN BANGGAI")
    sh("office", "set", "pengganti.jabatan", "Sekretaris")
    sh("office", "set", "pengganti.nama", "Drs. MOH. RIZAL, M.Si")
    sh("office", "set", "pengganti.nip", "197005121995031004")
    sh("office", "set", "kode_pos", "94711")

    walk(sh, run_id, range(1, 12))
    sh("export", run_id, "pengantar", "-o", "an.docx", "--signer", "an")
    document = docx.Document(str(tmp_path / "an.docx"))
    text = text_of(tmp_path / "an.docx")
    assert "a.n. KEPALA DINAS SOSIAL" in text and "Drs. MOH. RIZAL, M.Si" in text
    assert "NIP. 19700512 199503 1 004" in text and "Kode Pos 94711" in text
    assert "Salinan SK" not in text and "Softcopy (flashdisk)" in text
    assert "1. Bupati Banggai di Luwuk" in text and "2. Arsip" in text
    assert len(document.inline_shapes) == 1  # the logo
    sh("export", run_id, "pk", "-o", "pk.docx", "--landscape")
    section = docx.Document(str(tmp_path / "pk.docx")).sections[0]
    assert section.page_width > section.page_height


def test_form_with_data_escapes_formulas(sh, tmp_path: Path) -> None:
    run_id = sh(
        "run", "new", "pengukuran-kinerja", "--title", "PK", "--year", "2026"
    ).stdout.strip()
    (tmp_path / "in.csv").write_text(
        "Jenis;Sasaran Strategis;Indikator Kinerja;Satuan;Target;Realisasi;Keterangan\r\n"
        "kinerja;=HYPERLINK(1);-Indikator;%;-5;-3;@cmd\r\n",
        encoding="utf-8",
    )
    sh("data", run_id, "import", "in.csv")
    sh("form", run_id, "-o", "out.csv", "--with-data", "--triwulan")
    written = (tmp_path / "out.csv").read_text(encoding="utf-8-sig").splitlines()
    assert "TW I;TW II;TW III;TW IV" in written[0]
    assert written[2].startswith("kinerja;'=HYPERLINK(1);'-Indikator;%;-5;;;;;-3;")
    assert written[2].endswith("'@cmd")
    sh("data", run_id, "import", "out.csv", "--replace")
    shown = json.loads(sh("data", run_id, "show", "--json").stdout)["indicators"][0]
    assert shown["sasaran"] == "=HYPERLINK(1)" and shown["target"] == -5


def test_an_sop_without_data_documents_takes_no_form_data_or_recipient(sh, tmp_path: Path) -> None:
    """Monitoring RENSTRA declares only its SOP sheet: the form, a data import and the
    pengantar's addressee are refused as the TUI's `i` and `export` refuse them (exit 1),
    and nothing is written or stored."""
    (tmp_path / "isi.csv").write_text(FILLED, encoding="utf-8")
    run_id = sh("run", "new", "monitoring-renstra", "--title", "Monev", "--year", "2026").stdout
    run_id = run_id.strip()
    year_file = tmp_path / "db.2026.json"
    before = year_file.read_bytes()
    for args in (
        ("form", run_id),
        ("data", run_id, "import", "isi.csv"),
        ("data", run_id, "recipient", "Kepala BAPPEDA"),
        ("data", run_id, "lampiran", "add", "Softcopy"),
    ):
        result = sh(*args, check=False)
        assert result.returncode == 1, (args, result.stderr)
        err = result.stderr.strip()
        assert "\n" not in err and "Traceback" not in err
        assert "Monitoring" in err and f"export {run_id} sop" in err, err
    assert [p.name for p in tmp_path.glob("*.csv")] == ["isi.csv"]  # no form written
    assert year_file.read_bytes() == before
