"""The `soptrack` command line. With no command it opens the Textual app.

Start-up matters (people type these over SSH), so Textual is imported only by the commands
that open the app, and rich only by commands that print tables.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from sop.errors import SoptrackError
from tui.cli_output import add_row as _add_row
from tui.cli_output import console as _console
from tui.cli_output import print_json as _print_json
from tui.cli_output import table as _table
from tui.cli_output import text as _text
from tui.labels import bar as _bar
from tui.labels import minutes as _mins

EXIT_OK, EXIT_RULE, EXIT_INPUT = 0, 1, 2
STEP_ACTIONS = ["start", "done", "approve", "return", "note"]


class _Parser(argparse.ArgumentParser):
    """argparse, but a wrong flag is one line, not a usage dump."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_INPUT, f"soptrack: {message} (lihat: {self.prog} --help)\n")


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        metavar="PATH",
        help="file database (default: $SOPTRACK_DB, lalu folder data pengguna)",
    )
    common.add_argument(
        "--as",
        dest="as_role",
        default=argparse.SUPPRESS,
        metavar="ROLE",
        help="bertindak sebagai peran ini (id pelaksana, mis. kadis)",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = _Parser(
        prog="soptrack",
        description="Pelacak SOP untuk Dinas: papan kanban, status, dan dokumen.",
        parents=[common],
    )
    sub = parser.add_subparsers(dest="command", metavar="PERINTAH", parser_class=_Parser)

    def cmd(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help_text, description=help_text, parents=[common])

    p = cmd("sops", "daftar semua SOP")
    p.add_argument("--json", action="store_true")

    p = cmd("sop", "lihat, periksa atau tambah file SOP")
    sop_sub = p.add_subparsers(
        dest="sop_command", metavar="AKSI", required=True, parser_class=_Parser
    )
    s = sop_sub.add_parser("show", help="tampilkan SOP", parents=[common])
    s.add_argument("sop_id", metavar="ID")
    s = sop_sub.add_parser(
        "validate", help="periksa file SOP tanpa menambahkannya", parents=[common]
    )
    s.add_argument("file", type=Path, metavar="FILE")
    s = sop_sub.add_parser(
        "add", help="tambahkan file SOP ke folder SOP pengguna", parents=[common]
    )
    s.add_argument("file", type=Path, metavar="FILE")
    s.add_argument("--replace", action="store_true", help="ganti file dengan id yang sama")

    p = cmd("run", "buat run baru dari sebuah SOP")
    run_sub = p.add_subparsers(
        dest="run_command", metavar="AKSI", required=True, parser_class=_Parser
    )
    s = run_sub.add_parser("new", help="mulai run baru; mencetak id run", parents=[common])
    s.add_argument("sop_id", metavar="SOP_ID")
    s.add_argument("--title", required=True)
    s.add_argument("--year", type=int, default=date.today().year)

    p = cmd("runs", "daftar run dengan kemajuannya")
    p.add_argument("--json", action="store_true")

    p = cmd("status", "semua run sekilas, atau satu run langkah demi langkah")
    p.add_argument("run", nargs="?", metavar="RUN")
    p.add_argument("--json", action="store_true")

    p = cmd("step", "ubah status sebuah langkah")
    p.add_argument("run", metavar="RUN")
    p.add_argument("number", type=int, metavar="N")
    p.add_argument(
        "action",
        choices=STEP_ACTIONS,
        metavar="AKSI",
        help="start | done | approve | return | note",
    )
    p.add_argument("--note", default="", metavar="TEKS", help="catatan (wajib untuk return)")

    p = cmd("undo", "batalkan transisi terakhir sebuah run")
    p.add_argument("run", metavar="RUN")

    p = cmd("history", "riwayat transisi sebuah run")
    p.add_argument("run", metavar="RUN")
    p.add_argument("--json", action="store_true")

    p = cmd("office", "profil kantor (instansi, kepala, peran, jam kerja)")
    office_sub = p.add_subparsers(
        dest="office_command", metavar="AKSI", required=True, parser_class=_Parser
    )
    s = office_sub.add_parser("show", help="tampilkan profil kantor", parents=[common])
    s.add_argument("--json", action="store_true")
    s = office_sub.add_parser("set", help="ubah satu kunci profil", parents=[common])
    s.add_argument("key", metavar="KUNCI")
    s.add_argument("value", metavar="NILAI")

    cmd("config", "setelan yang berlaku dan asal masing-masing")
    cmd("whoami", "pengguna, peran dan database yang dipakai")
    p = cmd("init", "siapkan folder database bersama untuk satu grup Unix")
    p.add_argument("--shared", type=Path, required=True, metavar="DIR")
    p.add_argument("--group", required=True, metavar="GROUP")
    p = cmd("serve", "sajikan aplikasi TUI ke browser (textual-serve)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument(
        "--public",
        action="store_true",
        help="izinkan alamat selain loopback (siapa pun yang mencapai port bertindak "
        "sebagai pengguna server)",
    )
    cmd("doctor", "periksa database dan cadangannya")
    p = cmd("restore", "pulihkan database dari cadangan terakhir yang baik")
    p.add_argument(
        "--from",
        dest="backup",
        type=Path,
        metavar="FILE",
        help="cadangan tertentu (default: yang terbaru yang terbaca)",
    )

    from tui import cli_docs

    _HANDLERS.update(cli_docs.register(sub, common))

    p = cmd("open", "buka papan sebuah run di aplikasi TUI")
    p.add_argument("run", metavar="RUN")
    cmd("tui", "buka aplikasi TUI (sama dengan soptrack tanpa perintah)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _dispatch(args)
    except SoptrackError as exc:
        print(f"soptrack: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("soptrack: dibatalkan", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


def _services(args: argparse.Namespace) -> Any:
    from tui.config import load_config
    from tui.service import Services

    config = load_config(getattr(args, "db", None))
    return Services(as_role=getattr(args, "as_role", None), config=config)


def _dispatch(args: argparse.Namespace) -> int:
    command = args.command or "tui"
    if command in ("tui", "open"):
        from tui.app import run_app

        return run_app(_services(args), getattr(args, "run", None))
    handler = _HANDLERS[command]
    return handler(args)


# -- output helpers ------------------------------------------------------------------------


# -- commands ------------------------------------------------------------------------------


def _cmd_sops(args: argparse.Namespace) -> int:
    catalog = _services(args).catalog
    if args.json:
        return _print_json(
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
                }
                for s in catalog
            ]
        )
    table = _table(
        None,
        ["ID", "Judul", "Langkah", "Pelaksana", "Waktu baku"],
        nowrap=("ID", "Langkah", "Waktu baku"),
    )
    for s in catalog:
        _add_row(
            table,
            s.id,
            s.name,
            str(len(s.steps)),
            ", ".join(lane.name for lane in s.lanes),
            _mins(s.total_minutes),
        )
    _console().print(table)
    return EXIT_OK


def _cmd_sop(args: argparse.Namespace) -> int:
    if args.sop_command == "validate":
        from sop.loader import load_sop

        sop = load_sop(args.file)
        print(
            f"OK: {args.file}: {sop.id} ({sop.name}), {len(sop.steps)} langkah, "
            f"{len(sop.lanes)} pelaksana, waktu baku {_mins(sop.total_minutes)}"
        )
        return EXIT_OK
    services = _services(args)
    if args.sop_command == "add":
        sop, target = services.add_sop(args.file, replace=args.replace)
        print(f"SOP {sop.id} ({sop.name}) ditambahkan: {target}")
        return EXIT_OK
    from tui.render import print_sop

    print_sop(_console(), services.catalog.get(args.sop_id))
    return EXIT_OK


def _cmd_run(args: argparse.Namespace) -> int:
    run = _services(args).new_run(args.sop_id, args.title, args.year)
    print(run.id)
    return EXIT_OK


def _statuses(services: Any) -> list[Any]:
    """The runs that can be shown; each one left out is named on stderr (still exit 0)."""
    problems: list[str] = []
    statuses = services.statuses(problems=problems)
    for problem in problems:
        print(f"soptrack: peringatan: {problem}", file=sys.stderr)
    return statuses


def _cmd_runs(args: argparse.Namespace) -> int:
    statuses = _statuses(_services(args))
    if args.json:
        return _print_json([s.to_dict() for s in statuses])
    if not statuses:
        print(
            "Belum ada run. Mulai dengan: soptrack run new pengukuran-kinerja "
            '--title "Pengukuran Kinerja 2026" --year 2026'
        )
        return EXIT_OK
    table = _table(
        None, ["ID", "SOP", "Judul", "Tahun", "Kemajuan", "Status"], nowrap=("ID", "Kemajuan")
    )
    for s in statuses:
        _add_row(
            table,
            s.run.id,
            s.sop.name,
            s.run.title,
            str(s.run.year),
            f"{_bar(s.done, s.total, 10)} {s.done}/{s.total}",
            s.run.state,
        )
    _console().print(table)
    return EXIT_OK


def _cmd_status(args: argparse.Namespace) -> int:
    services = _services(args)
    if args.run:
        status = services.status(services.repo.get_run(args.run))
        if args.json:
            return _print_json(status.to_dict(with_steps=True))
        from tui.render import print_run_status

        print_run_status(_console(), status)
        return EXIT_OK
    statuses = _statuses(services)
    if args.json:
        return _print_json([s.to_dict() for s in statuses])
    if not statuses:
        return _cmd_runs(args)
    table = _table(
        None,
        ["ID", "Run / langkah kini", "Kemajuan", "Waktu/baku", "Telat"],
        nowrap=("ID", "Kemajuan", "Waktu/baku", "Telat"),
    )
    for s in statuses:
        current = s.current
        where = (
            f"▶ {current.number}. {current.label} ({current.state.value}), {s.waiting_on}"
            if current
            else "✓ selesai"
        )
        _add_row(
            table,
            s.run.id,
            _text(s.run.title, "\n", (where, "dim")),
            f"{_bar(s.done, s.total, 5)} {s.done}/{s.total}",
            f"{_mins(s.elapsed_minutes)}/{_mins(s.standard_minutes)}",
            str(s.late_count) if s.late_count else "-",
        )
    _console().print(table)
    return EXIT_OK


def _cmd_step(args: argparse.Namespace) -> int:
    services = _services(args)
    run = services.act(args.run, args.number, args.action, args.note)
    record = run.record(args.number)
    entry = run.history[-1]
    if args.action == "note":
        print(f"{run.id} langkah {args.number}: catatan ditambahkan")
    elif args.action == "return":
        print(f"{run.id} langkah {args.number}: dikembalikan ke langkah {entry.before[0].number}")
    else:
        done = " (run selesai)" if run.finished else ""
        change = f"{entry.from_state.value} -> {record.state.value}"
        print(f"{run.id} langkah {args.number}: {change}{done}")
    return EXIT_OK


def _cmd_undo(args: argparse.Namespace) -> int:
    run = _services(args).undo(args.run)
    entry = run.history[-1]
    print(
        f"{run.id} langkah {entry.step}: {entry.from_state.value} -> {entry.to_state.value} "
        f"({entry.note})"
    )
    return EXIT_OK


def _cmd_history(args: argparse.Namespace) -> int:
    from sop.run import entry_to_dict

    run = _services(args).repo.get_run(args.run)
    if args.json:
        return _print_json([entry_to_dict(e, with_undo_data=False) for e in run.history])
    from tui.render import print_history

    print_history(_console(), run)
    return EXIT_OK


def _cmd_office(args: argparse.Namespace) -> int:
    from sop.office import profile_rows, profile_to_dict

    services = _services(args)
    if args.office_command == "set":
        profile = services.set_office(args.key, args.value)
        value = dict(profile_rows(profile)).get(args.key.strip().lower(), args.value)
        print(f"{args.key} = {value}")
        return EXIT_OK
    profile = services.office()
    if args.json:
        return _print_json(profile_to_dict(profile))
    table = _table(f"Profil kantor ({services.repo.path})", ["Kunci", "Nilai"])
    for key, value in profile_rows(profile):
        _add_row(table, key, str(value) or "-")
    _console().print(table)
    return EXIT_OK


def _cmd_doctor(args: argparse.Namespace) -> int:
    from store.maintenance import check

    services = _services(args)
    report = check(services.repo.path)
    for line in report.lines:
        print(line)
    if not report.ok:
        return EXIT_INPUT
    problems: list[str] = []
    services.statuses(problems=problems)
    for problem in problems:
        print(f"MASALAH: {problem}")
    return EXIT_INPUT if problems else EXIT_OK


def _cmd_restore(args: argparse.Namespace) -> int:
    from store.maintenance import restore

    services = _services(args)
    with services.repo.transaction_lock():
        restored, kept = restore(services.repo.path, args.backup)
    print(f"Dipulihkan dari {restored}" + (f"; file lama disimpan sebagai {kept}" if kept else ""))
    return EXIT_OK


def _cmd_config(args: argparse.Namespace) -> int:
    services = _services(args)
    config = services.config
    table = _table("Setelan yang berlaku", ["Setelan", "Nilai", "Asal"])
    for key, value, source in config.rows():
        _add_row(table, key, value, source)
    _console().print(table)
    from tui.config import system_config_path, user_config_path

    print(f"File config: sistem {system_config_path()}, pengguna {user_config_path()}")
    return EXIT_OK


def _cmd_whoami(args: argparse.Namespace) -> int:
    services = _services(args)
    office = services.office()
    actor = services.actor(office)
    held = ", ".join(office.roles_of(services.user)) or "tidak ada"
    print(f"Pengguna: {services.user}")
    print(f"Peran: {held}; bertindak sebagai: {actor.role or '-'}")
    print(f"Peran wajib: {'ya' if office.enforce_roles else 'tidak'}")
    print(f"Database: {services.repo.path} ({services.config.db.source})")
    return EXIT_OK


def _cmd_init(args: argparse.Namespace) -> int:
    import grp

    from store import shared
    from store.repository import Repository

    directory = args.shared.expanduser().absolute()
    for line in shared.prepare(directory, args.group):
        print(line)
    db = directory / "soptrack.json"
    repo = Repository(db)
    if repo.initialize():
        print(f"database dibuat: {db}")
    gid = grp.getgrnam(args.group).gr_gid
    with repo.transaction_lock():
        pass  # creates the lock file
    print(shared.fix_file(db, gid))
    print(shared.fix_file(Path(str(db) + ".lock"), gid))
    print("Selanjutnya, untuk semua pengguna: tambahkan ke /etc/soptrack/config.toml")
    print(f'  db = "{db}"')
    print(f"dan masukkan pengguna ke grup: usermod -aG {args.group} NAMA")
    return EXIT_OK


def _cmd_serve(args: argparse.Namespace) -> int:
    from tui.serve import serve

    services = _services(args)
    return serve(
        str(services.repo.path),
        args.host,
        args.port,
        public=args.public,
        as_role=getattr(args, "as_role", None),
    )


_HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "config": _cmd_config,
    "whoami": _cmd_whoami,
    "init": _cmd_init,
    "serve": _cmd_serve,
    "sops": _cmd_sops,
    "sop": _cmd_sop,
    "run": _cmd_run,
    "runs": _cmd_runs,
    "status": _cmd_status,
    "step": _cmd_step,
    "undo": _cmd_undo,
    "history": _cmd_history,
    "office": _cmd_office,
    "doctor": _cmd_doctor,
    "restore": _cmd_restore,
}

if __name__ == "__main__":
    raise SystemExit(main())
