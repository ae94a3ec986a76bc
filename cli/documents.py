"""Command-line commands for the documents: performance data, exports, letter register.

The commands this module registers:

    soptrack form RUN [-o FILE.csv] [--with-data] [--triwulan]
    soptrack data RUN import FILE.csv [FILE.csv ...] [--replace]
    soptrack data RUN show [--json]
    soptrack data RUN recipient "Kepala BAPPEDA Kabupaten Banggai" [--place Luwuk]
    soptrack data RUN lampiran [add TEKS [--copies N] [--unit buah] [--keterangan T]
                                | remove N | clear]
    soptrack data RUN tembusan [add TEKS | remove N | clear]
    soptrack export RUN pk|pengantar|sop [-o FILE] [--pdf] [--paper A4|F4]
                    [--signer kepala|an|plt|plh] [--landscape | --portrait]
    soptrack letters [--year YEAR] [--json]
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from soptrack.cli.context import services_for
from soptrack.cli.output import add_row, console, print_json, table
from soptrack.cli.parser import Commands, Parser
from soptrack.sop.errors import EXIT_OK, BadInput
from soptrack.sop.numbers import ascii_digits

if TYPE_CHECKING:
    from soptrack.services import documents
else:
    # the document services (and the performance, letter and recipient rules under them)
    # load on a document command's first use: `status` and `runs` never pay for them
    from soptrack.cli.lazy import lazy_module

    documents = lazy_module("soptrack.services.documents")


def register(commands: Commands) -> None:
    p = commands.add("form", "tulis formulir pengumpulan data kinerja (CSV) untuk bidang-bidang")
    p.add_argument("run", metavar="RUN")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="file .csv tujuan")
    p.add_argument(
        "--with-data", action="store_true", help="ikut tuliskan realisasi yang sudah ada"
    )
    p.add_argument(
        "--triwulan",
        action="store_true",
        help="tambahkan kolom realisasi TW I-IV (otomatis bila data sudah punya triwulan)",
    )
    p.set_defaults(handler=_form)

    p = commands.add("data", "data kinerja sebuah run: impor formulir, lihat, penerima surat")
    p.add_argument("run", metavar="RUN")
    actions = p.add_subparsers(
        dest="data_command", metavar="AKSI", required=True, parser_class=Parser
    )
    data = type(commands)(actions, commands.common)
    s = data.add("import", "impor formulir CSV yang sudah diisi (semua atau tidak sama sekali)")
    s.add_argument("files", type=Path, nargs="+", metavar="FILE")
    s.add_argument("--replace", action="store_true", help="ganti semua data (default: gabungkan)")
    s.set_defaults(handler=_data_import)
    s = data.add("show", "tampilkan data kinerja dan capaian")
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=_data_show)
    s = data.add("recipient", "penerima surat pengantar (Kepada Yth.)")
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
    s.set_defaults(handler=_data_recipient)
    s = data.add("lampiran", "baris tambahan tabel surat pengantar (mis. softcopy dalam flashdisk)")
    _list_actions(s, "naskah yang dikirim")
    s.add_argument("--copies", dest="banyaknya", type=int, default=1, metavar="N")
    s.add_argument("--unit", dest="satuan", default="buah", metavar="SATUAN")
    s.add_argument("--keterangan", default="", metavar="TEKS")
    s.set_defaults(handler=_data_list)
    s = data.add("tembusan", "daftar Tembusan surat pengantar")
    _list_actions(s, "penerima tembusan")
    s.set_defaults(handler=_data_list)

    p = commands.add("export", "tulis dokumen .docx sebuah run (lihat: soptrack sop show ID)")
    p.add_argument("run", metavar="RUN")
    p.add_argument("kind", metavar="DOKUMEN", help="pk | pengantar | sop (yang dinyatakan SOP-nya)")
    export_options(p)
    p.add_argument(
        "--signer",
        choices=["kepala", "an", "plt", "plh"],
        help="penanda tangan: kepala, a.n., Plt. atau Plh. (default: office ttd.pk/ttd.pengantar)",
    )
    orientation = p.add_mutually_exclusive_group()
    orientation.add_argument(
        "--landscape", dest="landscape", action="store_const", const=True, help="PK melintang"
    )
    orientation.add_argument(
        "--portrait", dest="landscape", action="store_const", const=False, help="PK tegak"
    )
    p.set_defaults(handler=_export)

    p = commands.add("letters", "register nomor surat")
    p.add_argument("--year", type=int, metavar="TAHUN", help="hanya tahun ini")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_letters)


def export_options(
    p: argparse.ArgumentParser,
    output_help: str = "file .docx atau folder tujuan (default: folder kini)",
) -> None:
    """-o/--output, --pdf and --paper: the same for every command that writes a .docx."""
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help=output_help)
    p.add_argument("--pdf", action="store_true", help="buat juga PDF lewat LibreOffice")
    p.add_argument(
        "--paper",
        default="A4",
        type=str.upper,
        choices=["A4", "F4"],
        help="ukuran kertas (default A4)",
    )


def _list_actions(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument(
        "action",
        nargs="?",
        default="list",
        choices=["add", "remove", "clear", "list"],
        metavar="AKSI",
        help="add TEKS | remove N | clear | list (default)",
    )
    p.add_argument("value", nargs="?", metavar="TEKS|N", help=f"{what}, atau nomor baris")


def report_written(paths: list[Path]) -> None:
    for path in paths:
        print(f"Ditulis: {path}")


# -- commands ------------------------------------------------------------------------------


def _form(args: argparse.Namespace) -> int:
    path = documents.write_form(
        services_for(args), args.run, args.output, with_data=args.with_data, triwulan=args.triwulan
    )
    print(f"Formulir ditulis: {path}")
    return EXIT_OK


def _data_import(args: argparse.Namespace) -> int:
    run, imported = documents.import_forms(
        services_for(args), args.run, args.files, replace_all=args.replace
    )
    total = documents.performance_of(run)
    print(
        f"{run.id}: diimpor {len(imported.indicators)} indikator dan "
        f"{len(imported.programs)} program dari {len(args.files)} file; kini "
        f"{len(total.indicators)} indikator, {len(total.programs)} program"
    )
    return EXIT_OK


def _data_recipient(args: argparse.Namespace) -> int:
    services = services_for(args)
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
    return EXIT_OK


def _data_list(args: argparse.Namespace) -> int:
    """`data RUN lampiran|tembusan [add TEKS | remove N | clear]`, then the list as it is."""
    services = services_for(args)
    field, action, value = args.data_command, args.action, args.value
    if action == "add":
        if not value:
            raise BadInput(f'tulis teksnya: soptrack data {args.run} {field} add "TEKS"')
        if field == "lampiran":
            run = documents.add_attachment(
                services,
                args.run,
                value,
                banyaknya=args.banyaknya,
                satuan=args.satuan,
                keterangan=args.keterangan,
            )
        else:
            run = documents.add_tembusan(services, args.run, value)
    elif action in ("remove", "clear"):
        number = None
        if action == "remove":
            if not value or not ascii_digits(value.strip()):
                raise BadInput(
                    f"tulis nomor barisnya: soptrack data {args.run} {field} remove N "
                    f"(lihat: soptrack data {args.run} {field})"
                )
            number = int(value)
            if field == "lampiran":  # numbered as the letter's table: row 1 is the document
                if number == 1:
                    raise BadInput(
                        "baris 1 adalah dokumennya sendiri; ubah dengan: soptrack data "
                        f"{args.run} recipient ... --copies N --keterangan TEKS"
                    )
                number -= 1
        run = documents.remove_item(services, args.run, field, number)
    else:
        run = services.repo.get_run(args.run)
    recipient = documents.recipient_of(run)
    if field == "lampiran":
        rows = documents.letter_rows(run, services.office(), recipient)
        listed = table(
            f"Tabel surat pengantar {run.id}", ["No", "Naskah", "Banyaknya", "Keterangan"]
        )
        for index, (naskah, amount, keterangan) in enumerate(rows, start=1):
            add_row(listed, str(index), naskah, amount, keterangan)
        console().print(listed)
        if len(rows) == 1:
            print(f'Belum ada lampiran; tambah: soptrack data {run.id} lampiran add "TEKS"')
        return EXIT_OK
    if not recipient.tembusan:
        print(f'{run.id}: belum ada tembusan; tambah: soptrack data {run.id} tembusan add "TEKS"')
        return EXIT_OK
    listed = table(f"Tembusan surat pengantar {run.id}", ["No", "Tembusan"])
    for index, text in enumerate(recipient.tembusan, start=1):
        add_row(listed, str(index), text)
    console().print(listed)
    return EXIT_OK


def _data_show(args: argparse.Namespace) -> int:
    services = services_for(args)
    run = services.repo.get_run(args.run)
    perf = documents.performance_of(run)
    from soptrack.sop.performance import summary_dict

    summary = summary_dict(perf, services.office())
    if args.json:
        summary["run"] = run.id
        summary["recipient"] = documents.recipient_of(run).to_dict()
        return print_json(summary)
    if perf.empty:
        print(
            f"{run.id}: belum ada data kinerja. Buat formulir: soptrack form {run.id} "
            f"-o formulir.csv, lalu: soptrack data {run.id} import formulir.csv"
        )
        return EXIT_OK
    _print_indicators(summary, f"Capaian kinerja {run.id} ({run.title})", perf.has_triwulan)
    _print_programs(summary)
    for number, note in enumerate(summary["notes"], start=1):
        print(f"catatan ({number}): {note}")
    for remark in summary["remarks"]:
        print(f"keterangan: {remark}")
    return EXIT_OK


def _print_indicators(summary: dict[str, Any], title: str, quarters: bool) -> None:
    from soptrack.sop.performance import TRIWULAN, format_number

    heads = ["No", "Sasaran Strategis", "Indikator Kinerja", "Satuan", "Target"]
    heads += list(TRIWULAN) if quarters else []
    heads += ["Realisasi", "Arah", "Capaian %", "Predikat"]
    numeric = tuple(range(4, len(heads) - 3)) + (len(heads) - 2,)
    rows = table(title, heads, right=numeric)
    for row in summary["indicators"]:
        tw = [format_number(v) for v in row.get("triwulan") or [None] * 4] if quarters else []
        mark = f" ({row['note_no']})" if row["note_no"] else ""
        add_row(
            rows,
            str(row["no"]),
            row["sasaran"],
            row["indikator"],
            row["satuan"],
            format_number(row["target"]),
            *tw,
            format_number(row["realisasi_tahunan"]),
            "naik" if row["direction"] == "higher" else "turun",
            row["capaian_text"] + mark,
            row["predikat"],
        )
    console().print(rows)


def _print_programs(summary: dict[str, Any]) -> None:
    from soptrack.sop.performance import format_rupiah

    rows = table(
        "Program dan anggaran",
        ["No", "Program", "Pagu (Rp)", "Realisasi (Rp)", "%"],
        right=(2, 3, 4),
    )
    for row in summary["programs"]:
        mark = f" ({row['note_no']})" if row["note_no"] else ""
        add_row(
            rows,
            str(row["no"]),
            row["program"],
            format_rupiah(row["pagu"]),
            format_rupiah(row["realisasi"]),
            row["persen_text"] + mark,
        )
    if summary["programs"]:
        total_mark = f" ({summary['total_note_no']})" if summary["total_note_no"] else ""
        add_row(
            rows,
            "",
            "Jumlah",
            format_rupiah(summary["total_pagu"]),
            format_rupiah(summary["total_realisasi"]),
            summary["total_persen_text"] + total_mark,
        )
    console().print(rows)


def _export(args: argparse.Namespace) -> int:
    services = services_for(args)
    kind = documents.normalise_kind(args.kind)
    report_written(
        documents.export(
            services,
            args.run,
            kind,
            args.output,
            pdf=args.pdf,
            paper=args.paper,
            signer=args.signer,
            landscape=args.landscape,
        )
    )
    letter = documents.letter_of(services, args.run, kind)
    if letter is not None:
        number = letter.get("number")
        if number and documents.run_signed(services, args.run, kind):
            print(f"Nomor surat: {number}")
        elif number:
            print(
                f"Nomor surat {number} dicadangkan untuk run ini; dokumen belum "
                "ditandatangani lagi (KONSEP)"
            )
        else:
            print("Nomor surat belum diberikan: dokumen belum ditandatangani (KONSEP)")
    return EXIT_OK


def _letters(args: argparse.Namespace) -> int:
    from soptrack.sop.dates import long_date
    from soptrack.sop.letters import letter_date

    rows = documents.letters(services_for(args), args.year)
    if args.json:
        return print_json(rows)
    if not rows:
        print("Register nomor surat masih kosong" + (f" untuk {args.year}" if args.year else ""))
        return EXIT_OK
    register = table(
        "Register nomor surat",
        ["Tahun", "No", "Nomor surat", "Tanggal", "Run", "Jenis", "Perihal", "Oleh"],
        right=(1,),
    )
    for row in rows:
        add_row(
            register,
            str(row["year"]),
            str(row["nomor"]),
            row["number"],
            long_date(letter_date(row)),
            row["run"],
            row["kind"],
            row.get("subject", ""),
            row.get("user", ""),
        )
    console().print(register)
    return EXIT_OK
