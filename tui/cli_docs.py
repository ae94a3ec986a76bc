"""Command-line commands for the documents: performance data, exports, letter register.

`register` adds its subcommands to the main parser and returns their handlers:

    soptrack form RUN [-o FILE.csv] [--with-data]
    soptrack data RUN import FILE.csv [FILE.csv ...] [--replace]
    soptrack data RUN show [--json]
    soptrack data RUN recipient "Kepala BAPPEDA Kabupaten Banggai" [--place Luwuk]
    soptrack export RUN pk|pengantar|sop [-o FILE] [--pdf] [--paper A4|F4]
    soptrack sop export ID [-o FILE] [--pdf] [--paper A4|F4]
    soptrack letters [--year YEAR] [--json]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tui.cli_output import add_row as _add_row
from tui.cli_output import console as _console
from tui.cli_output import print_json as _print_json
from tui.cli_output import table as _table

Handler = Callable[[argparse.Namespace], int]


def register(
    sub: argparse._SubParsersAction, common: argparse.ArgumentParser
) -> dict[str, Handler]:
    def cmd(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help_text, description=help_text, parents=[common])

    p = cmd("form", "tulis formulir pengumpulan data kinerja (CSV) untuk bidang-bidang")
    p.add_argument("run", metavar="RUN")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="file .csv tujuan")
    p.add_argument(
        "--with-data", action="store_true", help="ikut tuliskan realisasi yang sudah ada"
    )

    p = cmd("data", "data kinerja sebuah run: impor formulir, lihat, penerima surat")
    p.add_argument("run", metavar="RUN")
    data_sub = p.add_subparsers(
        dest="data_command", metavar="AKSI", required=True, parser_class=type(p)
    )
    s = data_sub.add_parser(
        "import",
        help="impor formulir CSV yang sudah diisi (semua atau tidak sama sekali)",
        parents=[common],
    )
    s.add_argument("files", type=Path, nargs="+", metavar="FILE")
    s.add_argument("--replace", action="store_true", help="ganti semua data (default: gabungkan)")
    s = data_sub.add_parser("show", help="tampilkan data kinerja dan capaian", parents=[common])
    s.add_argument("--json", action="store_true")
    s = data_sub.add_parser(
        "recipient", help="penerima surat pengantar (Kepada Yth.)", parents=[common]
    )
    s.add_argument("kepada", metavar="PENERIMA")
    s.add_argument("--place", dest="tempat", metavar="TEMPAT", help="di ... (default: kota)")
    s.add_argument(
        "--copies",
        dest="eksemplar",
        type=int,
        metavar="N",
        help="banyaknya eksemplar dokumen (default 1)",
    )
    s.add_argument("--keterangan", metavar="TEKS", help="kolom Keterangan surat pengantar")

    p = cmd("export", "tulis dokumen .docx sebuah run: pk, pengantar atau sop")
    p.add_argument("run", metavar="RUN")
    p.add_argument("kind", metavar="DOKUMEN", help="pk | pengantar | sop")
    _export_options(p)

    sop_parser = sub.choices.get("sop")
    handlers: dict[str, Handler] = {
        "form": _cmd_form,
        "data": _cmd_data,
        "export": _cmd_export,
        "letters": _cmd_letters,
    }
    sop_actions = _subparsers_of(sop_parser) if sop_parser is not None else None
    if sop_actions is not None:
        s = sop_actions.add_parser("export", help="tulis lembar SOP (.docx)", parents=[common])
        s.add_argument("sop_id", metavar="ID")
        _export_options(s)
        handlers["sop"] = _cmd_sop

    p = cmd("letters", "register nomor surat")
    p.add_argument("--year", type=int, metavar="TAHUN", help="hanya tahun ini")
    p.add_argument("--json", action="store_true")
    return handlers


def _export_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="file .docx atau folder tujuan (default: folder kini)",
    )
    p.add_argument("--pdf", action="store_true", help="buat juga PDF lewat LibreOffice")
    p.add_argument(
        "--paper",
        default="A4",
        type=str.upper,
        choices=["A4", "F4"],
        help="ukuran kertas (default A4)",
    )


def _subparsers_of(parser: argparse.ArgumentParser) -> Any:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return None


def _services(args: argparse.Namespace) -> Any:
    """The same services as every other command: flag, environment and config files."""
    from tui.cli import _services as configured

    return configured(args)


# -- commands ------------------------------------------------------------------------------


def _cmd_form(args: argparse.Namespace) -> int:
    from tui import documents

    path = documents.write_form(_services(args), args.run, args.output, with_data=args.with_data)
    print(f"Formulir ditulis: {path}")
    return 0


def _cmd_data(args: argparse.Namespace) -> int:
    from tui import documents

    services = _services(args)
    if args.data_command == "import":
        run, imported = documents.import_forms(
            services, args.run, args.files, replace_all=args.replace
        )
        total = documents.performance_of(run)
        print(
            f"{run.id}: diimpor {len(imported.indicators)} indikator dan "
            f"{len(imported.programs)} program dari {len(args.files)} file; kini "
            f"{len(total.indicators)} indikator, {len(total.programs)} program"
        )
        return 0
    if args.data_command == "recipient":
        run = documents.set_recipient(
            services,
            args.run,
            args.kepada,
            tempat=args.tempat,
            eksemplar=args.eksemplar,
            keterangan=args.keterangan,
        )
        r = documents.recipient_of(run)
        print(
            f"{run.id}: Kepada Yth. {r.kepada}, di {r.tempat or services.office().kota}; "
            f"{r.eksemplar} eksemplar"
        )
        return 0
    return _show_data(services, args)


def _show_data(services: Any, args: argparse.Namespace) -> int:
    from sop.performance import format_number, format_rupiah, summary_dict
    from tui import documents

    run = services.repo.get_run(args.run)
    perf = documents.performance_of(run)
    office = services.office()
    summary = summary_dict(perf, office)
    if args.json:
        summary["run"] = run.id
        summary["recipient"] = documents.recipient_of(run).to_dict()
        return _print_json(summary)
    if perf.empty:
        print(
            f"{run.id}: belum ada data kinerja. Buat formulir: soptrack form {run.id} "
            f"-o formulir.csv, lalu: soptrack data {run.id} import formulir.csv"
        )
        return 0
    console = _console()
    table = _table(
        f"Capaian kinerja {run.id} ({run.title})",
        [
            "No",
            "Sasaran Strategis",
            "Indikator Kinerja",
            "Satuan",
            "Target",
            "Realisasi",
            "Arah",
            "Capaian %",
            "Predikat",
        ],
        right=(4, 5, 7),
    )
    for row in summary["indicators"]:
        _add_row(
            table,
            str(row["no"]),
            row["sasaran"],
            row["indikator"],
            row["satuan"],
            format_number(row["target"]),
            format_number(row["realisasi"]),
            "naik" if row["direction"] == "higher" else "turun",
            row["capaian_text"],
            row["predikat"],
        )
    console.print(table)
    table = _table(
        "Program dan anggaran",
        ["No", "Program", "Pagu (Rp)", "Realisasi (Rp)", "%"],
        right=(2, 3, 4),
    )
    for row in summary["programs"]:
        _add_row(
            table,
            str(row["no"]),
            row["program"],
            format_rupiah(row["pagu"]),
            format_rupiah(row["realisasi"]),
            row["persen_text"],
        )
    console.print(table)
    for note in summary["notes"]:
        print(f"catatan: {note}")
    return 0


def _report(paths: list[Path]) -> None:
    for path in paths:
        print(f"Ditulis: {path}")


def _cmd_export(args: argparse.Namespace) -> int:
    from sop import letters
    from tui import documents

    services = _services(args)
    kind = documents.normalise_kind(args.kind)
    paths = documents.export(services, args.run, kind, args.output, pdf=args.pdf, paper=args.paper)
    _report(paths)
    if kind == "pengantar":
        run = services.repo.get_run(args.run)
        row = letters.find(services.repo.rows(letters.TABLE), run.id, documents.LETTER_KIND)
        if row:
            print(f"Nomor surat: {row['number']}")
        else:
            print("Nomor surat belum diberikan: dokumen belum ditandatangani (KONSEP)")
    return 0


def _cmd_sop(args: argparse.Namespace) -> int:
    if args.sop_command != "export":
        from tui import cli

        return cli._cmd_sop(args)
    from tui import documents

    _report(
        documents.export_sop(
            _services(args), args.sop_id, args.output, pdf=args.pdf, paper=args.paper
        )
    )
    return 0


def _cmd_letters(args: argparse.Namespace) -> int:
    from tui import documents

    rows = documents.letters(_services(args), args.year)
    if args.json:
        return _print_json(rows)
    if not rows:
        print("Register nomor surat masih kosong" + (f" untuk {args.year}" if args.year else ""))
        return 0
    table = _table(
        "Register nomor surat",
        ["Tahun", "No", "Nomor surat", "Tanggal", "Run", "Jenis", "Perihal", "Oleh"],
        right=(1,),
    )
    from sop.dates import long_date
    from sop.letters import letter_date

    for row in rows:
        _add_row(
            table,
            str(row["year"]),
            str(row["nomor"]),
            row["number"],
            long_date(letter_date(row)),
            row["run"],
            row["kind"],
            row.get("subject", ""),
            row.get("user", ""),
        )
    _console().print(table)
    return 0
