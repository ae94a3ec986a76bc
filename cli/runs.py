"""`run new`, `runs`, `status`, `step`, `undo`, `history`: runs and their steps."""

from __future__ import annotations

import argparse

from soptrack.cli.context import services_for, statuses
from soptrack.cli.output import add_row, console, print_json, table, text
from soptrack.cli.parser import Commands
from soptrack.services.labels import bar, minutes
from soptrack.sop.errors import EXIT_OK
from soptrack.sop.run import Action, entry_to_dict

STEP_ACTIONS = [a.value for a in Action if a is not Action.UNDO]


def register(commands: Commands) -> None:
    actions = commands.group("run", "buat run baru dari sebuah SOP", "run_command")
    s = actions.add("new", "mulai run baru; mencetak id run")
    s.add_argument("sop_id", metavar="SOP_ID")
    s.add_argument("--title", required=True)
    s.add_argument("--year", type=int, default=None, help="tahun (default: tahun ini)")
    s.set_defaults(handler=_new)

    p = commands.add("runs", "daftar run dengan kemajuannya")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_runs)

    p = commands.add("status", "semua run sekilas, atau satu run langkah demi langkah")
    p.add_argument("run", nargs="?", metavar="RUN")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_status)

    p = commands.add("step", "ubah status sebuah langkah")
    p.add_argument("run", metavar="RUN")
    p.add_argument("number", type=int, metavar="N")
    p.add_argument("action", choices=STEP_ACTIONS, metavar="AKSI", help=" | ".join(STEP_ACTIONS))
    p.add_argument("--note", default="", metavar="TEKS", help="catatan (wajib untuk return)")
    p.set_defaults(handler=_step)

    p = commands.add("undo", "batalkan transisi terakhir sebuah run")
    p.add_argument("run", metavar="RUN")
    p.set_defaults(handler=_undo)

    p = commands.add("history", "riwayat transisi sebuah run")
    p.add_argument("run", metavar="RUN")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_history)


def _new(args: argparse.Namespace) -> int:
    services = services_for(args)
    year = args.year if args.year is not None else services.clock().year
    run = services.new_run(args.sop_id, args.title, year)
    print(run.id)
    return EXIT_OK


def _runs(args: argparse.Namespace) -> int:
    shown = statuses(services_for(args))
    if args.json:
        return print_json([s.to_dict() for s in shown])
    if not shown:
        print(
            "Belum ada run. Mulai dengan: soptrack run new pengukuran-kinerja "
            '--title "Pengukuran Kinerja 2026" --year 2026'
        )
        return EXIT_OK
    rows = table(
        None, ["ID", "SOP", "Judul", "Tahun", "Kemajuan", "Status"], nowrap=("ID", "Kemajuan")
    )
    for s in shown:
        add_row(
            rows,
            s.run.id,
            s.sop.name,
            s.run.title,
            str(s.run.year),
            f"{bar(s.done, s.total, 10)} {s.done}/{s.total}",
            s.run.state,
        )
    console().print(rows)
    return EXIT_OK


def _status(args: argparse.Namespace) -> int:
    services = services_for(args)
    if args.run:
        status = services.status(services.repo.get_run(args.run))
        if args.json:
            return print_json(status.to_dict(with_steps=True))
        from soptrack.cli.render import print_run_status  # rich: only when printing

        print_run_status(console(), status)
        return EXIT_OK
    shown = statuses(services)
    if args.json:
        return print_json([s.to_dict() for s in shown])
    if not shown:
        return _runs(args)
    rows = table(
        None,
        ["ID", "Run / langkah kini", "Kemajuan", "Waktu/baku", "Telat"],
        nowrap=("ID", "Kemajuan", "Waktu/baku", "Telat"),
    )
    for s in shown:
        current = s.current
        where = (
            f"▶ {current.number}. {current.label} ({current.state.value}), {s.waiting_on}"
            if current
            else "✓ selesai"
        )
        add_row(
            rows,
            s.run.id,
            text(s.run.title, "\n", (where, "dim")),
            f"{bar(s.done, s.total, 5)} {s.done}/{s.total}",
            f"{minutes(s.elapsed_minutes)}/{minutes(s.standard_minutes)}",
            str(s.late_count) if s.late_count else "-",
        )
    console().print(rows)
    return EXIT_OK


def _step(args: argparse.Namespace) -> int:
    run = services_for(args).act(args.run, args.number, args.action, args.note)
    record = run.record(args.number)
    entry = run.history[-1]
    prefix = f"{run.id} langkah {args.number}"
    if args.action == Action.NOTE:
        print(f"{prefix}: catatan ditambahkan")
    elif args.action == Action.RETURN:
        print(f"{prefix}: dikembalikan ke langkah {entry.before[0].number}")
    else:
        done = " (run selesai)" if run.finished else ""
        print(f"{prefix}: {entry.from_state.value} -> {record.state.value}{done}")
    return EXIT_OK


def _undo(args: argparse.Namespace) -> int:
    run = services_for(args).undo(args.run)
    entry = run.history[-1]
    print(
        f"{run.id} langkah {entry.step}: {entry.from_state.value} -> {entry.to_state.value} "
        f"({entry.note})"
    )
    return EXIT_OK


def _history(args: argparse.Namespace) -> int:
    services = services_for(args)
    run = services.repo.get_run(args.run)
    if args.json:
        return print_json([entry_to_dict(e, with_undo_data=False) for e in run.history])
    from soptrack.cli.render import print_history  # rich: only when printing

    print_history(console(), run, services.office().zona)
    problem = services.chain_problem(run)
    if problem:
        print(f"PERINGATAN: {problem}")
    return EXIT_OK
