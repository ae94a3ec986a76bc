"""Export time of each document against a bare python-docx document saved in the same run.

    python bench/bench_export.py [--json] [--quick]

The baseline is the floor any python-docx exporter pays: load the default template, add one
paragraph, save. Prints a table (or, with --json, the rows run_all.py reads on its last line).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true", help="3 repeats instead of 10")
    args = parser.parse_args(argv)
    repeat = 3 if args.quick else 10

    import docx

    from soptrack.services import documents
    from soptrack.services.core import Services
    from soptrack.sop.performance import of_extra  # noqa: F401 - warm imports outside the timing

    work = Path(tempfile.mkdtemp(prefix="soptrack-bench-export-"))
    services = Services(db=work / "db.json", user="bench", sop_dirs=[])
    run = services.new_run("pengukuran-kinerja", "Pengukuran Kinerja 2026", 2026)
    csv = work / "data.csv"
    csv.write_text(
        "Jenis;Sasaran Strategis;Indikator Kinerja;Satuan;Target;Realisasi;Arah;Program;"
        "Pagu Anggaran (Rp);Realisasi Anggaran (Rp);Keterangan\n"
        + "".join(
            f"kinerja;Sasaran {i // 3 + 1};Indikator {i + 1};%;80;{70 + i};naik;;;;\n"
            for i in range(12)
        )
        + "program;;;;;;;Program A;1.000.000;900.000;\n",
        encoding="utf-8",
    )
    documents.import_forms(services, run.id, [csv])
    documents.set_recipient(services, run.id, "Kepala BAPPEDA Kabupaten Banggai")  # numbered
    for n in range(1, 12):
        services.act(run.id, n, "start")
        services.act(run.id, n, "approve" if n == 9 else "done")

    def bare() -> None:
        doc = docx.Document()
        doc.add_paragraph("PENGUKURAN KINERJA")
        doc.save(str(work / "bare.docx"))

    base = _median_ms(bare, repeat)
    rows = []
    for kind, what in [
        ("pk", "export Dokumen Pengukuran Kinerja (12 indikator)"),
        ("pengantar", "export surat pengantar"),
        ("sop", "export SOP sheet (13 steps, landscape)"),
    ]:
        ms = _median_ms(
            lambda k=kind: documents.export(services, run.id, k, work / f"{k}.docx"), repeat
        )
        rows.append(
            {
                "bench": "export",
                "what": what,
                "ms": round(ms, 1),
                "baseline": "bare python-docx document + save",
                "baseline_ms": round(base, 1),
                "target": None,
            }
        )
    if args.json:
        print(json.dumps(rows))
    else:
        for row in rows:
            print(
                f"{row['what']:<52} {row['ms']:8.1f} ms  vs {row['baseline_ms']:.1f} ms "
                f"({row['ms'] / row['baseline_ms']:.2f}x)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
