"""`run new`, `runs`, `status`, `step`, `undo`, `history`: runs and their steps."""

from __future__ import annotations

import argparse

from soptrack.cli.context import scope_of, services_for, statuses
from soptrack.cli.output import add_row, console, print_json, table, text
from soptrack.cli.parser import Commands
from soptrack.services.core import Services
from soptrack.services.labels import bar, minutes
from soptrack.sop.errors import EXIT_OK, BadInput
from soptrack.sop.run import Action, entry_to_dict
from soptrack.sop.status import RunStatus

STEP_ACTIONS = [a.value for a in Action if a is not Action.UNDO]
# A table never draws thousands of rows: one page (about a screenful), --page for more,
# --json for all. `status` gives each run two lines, `runs` one.
PAGE_ROWS = {"status": 25, "runs": 50}


def _scope_flags(p: argparse.ArgumentParser) -> None:
    which = p.add_mutually_exclusive_group()
    which.add_argument(
        "--year", type=int, default=None, metavar="TAHUN", help="hanya run tahun itu"
    )
    which.add_argument("--all", action="store_true", help="run semua tahun")
    p.add_argument(
        "--page",
        type=int,
        default=1,
        metavar="N",
        help="halaman tabel (status: 25 run per halaman, runs: 50)",
    )
    p.set_defaults(year=None)


def register(commands: Commands) -> None:
    actions = commands.group("run", "buat run baru dari sebuah SOP", "run_command")
    s = actions.add("new", "mulai run baru; mencetak id run")
    s.add_argument("sop_id", metavar="SOP_ID")
    s.add_argument("--title", required=True)
    s.add_argument("--year", type=int, default=None, help="tahun (default: tahun ini)")
    s.set_defaults(handler=_new)

    p = commands.add("runs", "daftar run dengan kemajuannya (tahun ini dan yang belum selesai)")
    p.add_argument("--json", action="store_true")
    _scope_flags(p)
    p.set_defaults(handler=_runs)

    p = commands.add("status", "semua run sekilas, atau satu run langkah demi langkah")
    p.add_argument("run", nargs="?", metavar="RUN")
    p.add_argument("--json", action="store_true")
    _scope_flags(p)
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


def _page(args: argparse.Namespace, services: Services) -> tuple[list[RunStatus], int]:
    """One page of the runs in scope (only that page is built) and how many are in scope."""
    if args.page < 1:
        raise BadInput(f"--page {args.page}: halaman mulai dari 1")
    scope = scope_of(args)
    total = services.count(scope)
    rows = _rows(args)
    start = (args.page - 1) * rows
    if total and start >= total:
        last = (total + rows - 1) // rows
        raise BadInput(f"--page {args.page}: hanya ada {last} halaman ({total} run)")
    return statuses(services, scope, offset=start, limit=rows), total


def _rows(args: argparse.Namespace) -> int:
    return PAGE_ROWS["status" if args.command == "status" else "runs"]


def _footer(args: argparse.Namespace, services: Services, total: int, page: list) -> None:
    """What the table left out, and the flag that shows it."""
    lines = []
    rows = _rows(args)
    first = (args.page - 1) * rows + 1
    if total > rows:
        more = f" berikutnya: --page {args.page + 1};" if first + rows <= total else ""
        lines.append(f"Run {first}-{first + len(page) - 1} dari {total};{more} semua: --json")
    if not args.all:
        other = services.repo.run_count() - total
        if other > 0:
            scope = f"tahun {args.year}" if args.year else "tahun ini dan yang belum selesai"
            lines.append(f"Ditampilkan {scope}; {other} run lain: --year TAHUN atau --all")
    for line in lines:
        print(line)


def _runs(args: argparse.Namespace) -> int:
    services = services_for(args)
    if args.json:
        return print_json([s.to_dict() for s in statuses(services, scope_of(args))])
    page, total = _page(args, services)
    if not page:
        if services.repo.run_count():
            print(f"Tidak ada run {_scope_text(args)}.")
            _footer(args, services, total, page)
            return EXIT_OK
        print(
            "Belum ada run. Mulai dengan: soptrack run new pengukuran-kinerja "
            '--title "Pengukuran Kinerja 2026" --year 2026'
        )
        return EXIT_OK
    rows = table(
        None, ["ID", "SOP", "Judul", "Tahun", "Kemajuan", "Status"], nowrap=("ID", "Kemajuan")
    )
    for s in page:
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
    _footer(args, services, total, page)
    return EXIT_OK


def _scope_text(args: argparse.Namespace) -> str:
    if args.all:
        return "di database ini"
    return f"tahun {args.year}" if args.year else "tahun ini atau yang belum selesai"


def _status(args: argparse.Namespace) -> int:
    if args.run:
        chosen = [
            flag
            for flag, given in (
                ("--all", args.all),
                ("--year", args.year),
                ("--page", args.page > 1),
            )
            if given
        ]
        if chosen:  # they choose among runs: with one run named they would be ignored
            raise BadInput(f"{', '.join(chosen)} tidak berlaku untuk satu run ({args.run})")
    services = services_for(args)
    if args.run:
        status = services.status(services.repo.get_run(args.run))
        if args.json:
            return print_json(status.to_dict(with_steps=True))
        from soptrack.cli.render import print_run_status  # rich: only when printing

        print_run_status(console(), status)
        return EXIT_OK
    if args.json:
        return print_json([s.to_dict() for s in statuses(services, scope_of(args))])
    page, total = _page(args, services)
    if not total:
        return _runs(args)  # says there are none, and how to see other years
    rows = table(
        None,
        ["ID", "Run / langkah kini", "Kemajuan", "Waktu/baku", "Telat"],
        nowrap=("ID", "Kemajuan", "Waktu/baku", "Telat"),
    )
    for s in page:
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
    _footer(args, services, total, page)
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
