"""`soptrack monitor` (table, --json, -o .docx) and `soptrack sop show ID --flow`, end to end
on a database with finished runs, plus the monitoring form read back with python-docx."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import docx
import pytest

from soptrack.services.core import Services

WITA = timezone(timedelta(hours=8))


def stepping(start: datetime, minutes: float):
    moments = (start + timedelta(minutes=minutes * i) for i in range(10_000))
    return lambda: next(moments)


@pytest.fixture
def filled(db_path: Path) -> Path:
    """Two finished PK runs in June 2026: every action 20 office minutes after the last
    (so the 15- and 10-minute steps are late), the second with one return from 9 to 8."""
    for index, start in enumerate((datetime(2026, 6, 1, 8), datetime(2026, 6, 8, 8))):
        svc = Services(
            db_path,
            clock=stepping(start.replace(tzinfo=WITA), 20),
            user=("ani", "budi")[index],
            sop_dirs=[],
        )
        run = svc.new_run("pengukuran-kinerja", f"PK {index}", 2026)
        for number in range(1, 14):
            svc.act(run.id, number, "start")
            if number == 9 and index == 1:
                svc.act(run.id, 9, "return", "Target belum sesuai")
                svc.act(run.id, 8, "start")
                svc.act(run.id, 8, "done")
                svc.act(run.id, 9, "start")
            svc.act(run.id, number, "approve" if number == 9 else "done")
    return db_path


PERIOD = ("--from", "2026-06-01", "--to", "2026-06-30")


def test_monitor_json_has_the_figures_per_step(cli, filled: Path) -> None:
    result = cli("monitor", "pengukuran-kinerja", *PERIOD, "--json", check=True)
    data = json.loads(result.stdout)
    assert data["runs"] == 2 and data["finished_runs"] == 2
    steps = {s["number"]: s for s in data["steps"]}
    # 20 minutes each against 15 (step 1) and 10 (step 11): late every time
    assert steps[1]["median_minutes"] == 20 and steps[1]["late"] == 2
    assert steps[1]["verdict"] == "tidak berjalan dengan baik"
    assert steps[1]["catatan"].startswith("terlambat 2 dari 2 run; median 20 mnt vs baku 15 mnt")
    assert steps[2]["verdict"] == "berjalan dengan baik" and steps[2]["late"] == 0
    assert steps[8]["returns"] == 1 and steps[8]["completions"] == 3
    assert steps[8]["verdict"] == "berjalan dengan baik"  # one return is not repeated
    assert {w["user"] for w in steps[1]["waited_on"]} == {"ani", "budi"}
    loose = cli("monitor", "pengukuran-kinerja", *PERIOD, "--json", "--late-share", "100")
    assert json.loads(loose.stdout)["verdict"] == "berjalan dengan baik"


def test_monitor_table_and_docx(cli, filled: Path, tmp_path: Path) -> None:
    out = tmp_path / "monitor.docx"
    result = cli("monitor", "pengukuran-kinerja", *PERIOD, "-o", str(out), check=True)
    assert "Monitoring SOP Pengukuran Kinerja" in result.stdout
    assert "Kesimpulan: tidak berjalan dengan baik" in result.stdout
    assert "dikerjakan oleh ani (1), budi (1)" in result.stdout
    assert f"Ditulis: {out}" in result.stdout
    document = docx.Document(str(out))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "No")
    assert [c.text for c in table.rows[0].cells] == [
        "No",
        "Prosedur",
        "Penilaian terhadap penerapan",
        "Catatan hasil penilaian",
        "Tindakan yang harus diambil",
        "Paraf penilai",
    ]
    rows = table.rows[2:]
    assert len(rows) == 13
    first = [c.text for c in rows[0].cells]
    assert first[2] == "Tidak berjalan dengan baik"
    assert first[3].startswith("Terlambat 2 dari 2 run")
    assert first[4] == "" and first[5] == ""  # the evaluator's columns stay empty
    text = "\n".join(p.text for p in document.paragraphs)
    header = "".join(s.header._element.xml for s in document.sections)
    assert "KONSEP" in header and "Luwuk, ............ 20" in "".join(
        c.text for t in document.tables for r in t.rows for c in r.cells
    )
    assert "Kesimpulan: SOP Pengukuran Kinerja tidak berjalan dengan baik" in text
    signatures = document.tables[-1].rows[0].cells
    assert "Penilai," in signatures[0].text
    assert "SYAIFUDDIN MUID, SH" in signatures[1].text and "Mengetahui," in signatures[1].text
    final = tmp_path / "final.docx"
    cli("monitor", "pengukuran-kinerja", *PERIOD, "-o", str(final), "--final", check=True)
    signed = docx.Document(str(final))
    assert "KONSEP" not in "".join(s.header._element.xml for s in signed.sections)


def test_monitor_bad_input_is_one_line_exit_2(cli, filled: Path) -> None:
    for args, words in [
        (("--from", "2026-13-01"), "bukan tanggal"),
        (("--from", "2026-07-01", "--to", "2026-06-01"), "sesudah"),
        (("--late-share", "abc"), "bukan angka"),
        (("--late-share", "150"), "antara 0 dan 100"),
        (("--final",), "hanya berlaku dengan -o"),
    ]:
        result = cli("monitor", "pengukuran-kinerja", *args)
        assert result.returncode == 2, args
        assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1
    unknown = cli("monitor", "tidak-ada")
    assert unknown.returncode == 2 and "tidak-ada" in unknown.stderr


def test_monitor_without_runs_says_nothing_to_judge(cli) -> None:
    result = cli("monitor", "monitoring-renstra", check=True)
    assert "belum dapat dinilai" in result.stdout


def test_sop_show_flow_prints_the_drawing(cli) -> None:
    result = cli("sop", "show", "pengukuran-kinerja", "--flow", check=True)
    out = result.stdout
    assert out.splitlines()[0] == "SOP PENGUKURAN KINERJA PADA DINAS SOSIAL KABUPATEN BANGGAI"
    for word in ("Kadis", "Sekretaris", "Ya", "Tidak", "▼", "╭", "❮"):
        assert word in out
    assert out.count("▼") == 12  # one arrow into every step after the first


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_monitoring_form_renders_with_signature_beside_the_table(
    cli, filled: Path, tmp_path: Path
) -> None:
    out = tmp_path / "monitor.docx"
    cli("monitor", "pengukuran-kinerja", *PERIOD, "-o", str(out), "--pdf", check=True)
    text = subprocess.run(
        ["pdftotext", "-layout", str(out.with_suffix(".pdf")), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    last = pages[-1]
    assert "SYAIFUDDIN MUID, SH" in last
    assert "Kesimpulan" in last and "Penilaian" in last  # table rows and head on that page
    assert "MONITORING PELAKSANAAN SOP" in pages[0]
