"""`sops` and `sop show|validate|add|export`: the SOP definitions."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from soptrack.cli.context import services_for
from soptrack.cli.documents import export_options, report_written
from soptrack.cli.output import add_row, console, print_json, table
from soptrack.cli.parser import Commands
from soptrack.services.core import Services
from soptrack.services.labels import minutes
from soptrack.sop.errors import EXIT_OK
from soptrack.sop.loader import load_sop
from soptrack.sop.officetime import in_office


def register(commands: Commands) -> None:
    p = commands.add("sops", "daftar semua SOP")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_sops)

    actions = commands.group("sop", "lihat, periksa, tambah atau ekspor SOP", "sop_command")
    s = actions.add("show", "tampilkan SOP")
    s.add_argument("sop_id", metavar="ID")
    s.add_argument("--flow", action="store_true", help="gambar diagram alir SOP")
    s.set_defaults(handler=_show)
    s = actions.add("validate", "periksa file SOP tanpa menambahkannya")
    s.add_argument("file", type=Path, metavar="FILE")
    s.set_defaults(handler=_validate)
    s = actions.add("add", "simpan SOP dari file ke katalog database (versi baru)")
    s.add_argument("file", type=Path, metavar="FILE")
    s.add_argument(
        "--replace",
        action="store_true",
        help="simpan versi baru SOP yang sudah ada (run yang ada tetap memakai versinya)",
    )
    s.set_defaults(handler=_add)
    s = actions.add("export", "tulis lembar SOP (.docx)")
    s.add_argument("sop_id", metavar="ID")
    export_options(s)
    s.set_defaults(handler=_export)


def _sops(args: argparse.Namespace) -> int:
    services = services_for(args)
    catalog = services.catalog
    versions = {s.id: services.current_version(s.id) for s in catalog}
    zone = services.office().zona
    if args.json:
        return print_json(
            [
                {
                    "id": s.id,
                    "code": s.code,
                    "title": s.name,
                    "steps": len(s.steps),
                    "lanes": [lane.name for lane in s.lanes],
                    "lane_ids": [lane.id for lane in s.lanes],
                    "total_minutes": s.total_minutes,
                    "source": s.source,
                    "version": versions[s.id].version or None,
                }
                for s in catalog
            ]
        )
    rows = table(
        None,
        ["ID", "Versi", "Judul", "Langkah", "Pelaksana", "Waktu baku"],
        nowrap=("ID", "Versi", "Langkah", "Waktu baku"),
    )
    for s in catalog:
        v = versions[s.id]
        add_row(
            rows,
            s.id,
            f"{v.version} ({v.by}, {in_office(v.at, zone):%Y-%m-%d})" if v.version else "bawaan",
            s.name,
            str(len(s.steps)),
            ", ".join(lane.name for lane in s.lanes),
            minutes(s.total_minutes),
        )
    console().print(rows)
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    sop = load_sop(args.file)
    print(
        f"OK: {args.file}: {sop.id} ({sop.name}), {len(sop.steps)} langkah, "
        f"{len(sop.lanes)} pelaksana, waktu baku {minutes(sop.total_minutes)}"
    )
    return EXIT_OK


def _add(args: argparse.Namespace) -> int:
    services = services_for(args)
    sop, added = services.add_sop(args.file, replace=args.replace)
    if not added.new:
        print(f"SOP {sop.id} ({sop.name}) tidak berubah: sama dengan versi {added.version}")
        return EXIT_OK
    print(
        f"SOP {sop.id} ({sop.name}) disimpan sebagai versi {added.version} di {services.repo.path}"
    )
    if added.keep:
        print(f"Run yang tetap memakai versi lamanya: {', '.join(added.keep)}")
    if added.pinned:
        print(f"Run lama yang kini mengikuti versi {added.version}: {', '.join(added.pinned)}")
    return EXIT_OK


def _show(args: argparse.Namespace) -> int:
    services = services_for(args)
    if args.flow:
        return _print_flow(services, args.sop_id)
    from soptrack.cli.render import print_sop  # rich: only when printing

    print_sop(console(), services.catalog.get(args.sop_id))
    return EXIT_OK


def _print_flow(services: Services, sop_id: str) -> int:
    """`sop show ID --flow`: the SOP's flowchart as box-drawing text, as wide as the terminal."""
    width = shutil.get_terminal_size((100, 24)).columns
    from soptrack.services import monitoring  # the flowchart layout: only for --flow

    drawing = monitoring.sop_flow(services, sop_id, max(60, width - 1))
    print(services.catalog.get(sop_id).title)
    print(drawing.text())
    print("Simbol: ╭─╮ mulai/selesai, ┌─┐ proses, ❮ ❯ keputusan (Ya lanjut, Tidak kembali).")
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    from soptrack.services import documents  # python-docx & co.: only for this command

    report_written(
        documents.export_sop(
            services_for(args), args.sop_id, args.output, pdf=args.pdf, paper=args.paper
        )
    )
    return EXIT_OK
