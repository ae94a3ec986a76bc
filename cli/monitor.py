"""`monitor`: the six-monthly SOP monitoring (PermenPANRB 35/2012) from the tracked runs.

soptrack monitor SOP_ID [--from DATE] [--to DATE] [--late-share PCT] [--json]
                        [-o FILE.docx [--pdf] [--paper A4|F4] [--final]]
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from soptrack.cli.context import services_for
from soptrack.cli.documents import export_options
from soptrack.cli.guard import one_line
from soptrack.cli.output import add_row as _add_row
from soptrack.cli.output import console as _console
from soptrack.cli.output import print_json as _print_json
from soptrack.cli.output import table as _table
from soptrack.cli.output import text as _text
from soptrack.cli.parser import Commands
from soptrack.services.labels import bar
from soptrack.sop.durations import format_minutes
from soptrack.sop.errors import EXIT_INPUT, EXIT_OK

if TYPE_CHECKING:
    from soptrack.services import monitoring as service
    from soptrack.sop.monitoring import Monitoring
else:
    from soptrack.cli.lazy import lazy_module

    service = lazy_module("soptrack.services.monitoring")  # loaded by `monitor` alone


def register(commands: Commands) -> None:
    p = commands.add(
        "monitor", "monitoring SOP dari run yang tercatat (per langkah, 6 bulan terakhir)"
    )
    p.description = (
        "Monitoring Pelaksanaan SOP (PermenPANRB 35/2012) dari run yang tercatat: "
        "per langkah run yang sampai, median dan terlama waktu kerja vs Mutu Baku, bagian "
        "yang terlambat, pengembalian, siapa yang mengerjakan; penilaian dan catatan."
    )
    p.add_argument("sop_id", metavar="SOP_ID")
    p.add_argument("--from", dest="start", metavar="TANGGAL", help="awal periode (2026-06-01)")
    p.add_argument("--to", dest="end", metavar="TANGGAL", help="akhir periode (default: hari ini)")
    p.add_argument(
        "--late-share",
        metavar="PERSEN",
        help="bagian penyelesaian terlambat yang masih 'berjalan dengan baik' (default 20)",
    )
    p.add_argument("--json", action="store_true")
    export_options(p, "tulis juga formulir monitoring .docx (file atau folder)")
    p.add_argument(
        "--final",
        action="store_true",
        help="dokumen final (tanpa KONSEP, bertanggal hari ini) setelah ditinjau penilai",
    )
    p.set_defaults(handler=_cmd_monitor)


def _cmd_monitor(args: argparse.Namespace) -> int:
    services = services_for(args)
    start = service.parse_day(args.start, "--from")
    end = service.parse_day(args.end, "--to")
    share = service.parse_share(args.late_share)
    problems: list[str] = []
    result = service.monitoring(
        services, args.sop_id, start, end, late_share=share, problems=problems
    )
    for problem in problems:
        print(f"soptrack: peringatan: {one_line(problem)}", file=sys.stderr)
    written = []
    if args.output is not None:
        written = service.export_monitoring(
            services, result, args.output, pdf=args.pdf, paper=args.paper, final=args.final
        )
    elif args.pdf or args.final:
        print("soptrack: --pdf dan --final hanya berlaku dengan -o FILE.docx", file=sys.stderr)
        return EXIT_INPUT
    if args.json:
        data = result.to_dict()
        data["written"] = [str(path) for path in written]
        return _print_json(data)
    _print_table(result)
    for path in written:
        print(f"Ditulis: {path}")
    return EXIT_OK


def _print_table(result: Monitoring) -> None:
    from soptrack.sop.monitoring import GOOD, NOT_GOOD

    console = _console()
    title = (
        f"Monitoring {result.sop_name} ({result.sop_id}), "
        f"{result.start.isoformat()} s.d. {result.end.isoformat()}"
    )
    table = _table(
        title,
        ["No", "Langkah", "Run", "Median", "Terlama", "Baku", "Telat", "Kbl", "Nilai"],
        nowrap=("No", "Run", "Telat", "Kbl", "Nilai"),
        right=(0, 2, 7),
    )
    for step in result.steps:
        median = "-" if step.median_minutes is None else format_minutes(step.median_minutes)
        worst = "-" if step.worst_minutes is None else format_minutes(step.worst_minutes)
        late = "-"
        if step.done:
            late = f"{bar(step.late, step.done, 5)} {step.late}/{step.done}"
        verdict = {GOOD: "✓ baik", NOT_GOOD: "✗ tidak"}.get(step.verdict, "- belum")
        _add_row(
            table,
            str(step.number),
            step.label,
            str(step.runs_reached),
            median,
            worst,
            format_minutes(step.standard_minutes),
            late,
            str(step.returns),
            verdict,
        )
    console.print(table)
    print("Catatan per langkah (dan siapa yang ditunggu):")
    for step in result.steps:
        who = ", ".join(f"{user} ({count})" for user, count in step.waited_on)
        console.print(
            _text(
                f"{step.number:>3}. ",
                (step.verdict, "bold"),
                f": {step.catatan}",
                f"; dikerjakan oleh {who}" if who else "",
            )
        )
    limit = round(result.late_share_limit * 100)
    print(f"Kesimpulan: {result.verdict} ({result.summary}).")
    print(
        f"Baik = paling banyak {limit}% penyelesaian terlambat dan tidak dikembalikan lebih "
        f"dari {result.max_returns} kali. Formulir .docx: soptrack monitor {result.sop_id} "
        "-o monitoring.docx"
    )
