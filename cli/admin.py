"""`office`, `config`, `whoami`, `init`, `doctor`, `restore`, `serve`: the office and its
database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from soptrack.cli.context import services_for
from soptrack.cli.output import add_row, console, print_json, table
from soptrack.cli.parser import Commands
from soptrack.services.config import system_config_path, user_config_path
from soptrack.services.core import Scope
from soptrack.services.shared import init_shared
from soptrack.sop.errors import EXIT_INPUT, EXIT_OK, BadInput, SoptrackError
from soptrack.sop.office import profile_rows, profile_to_dict
from soptrack.sop.officetime import zone_label


def register(commands: Commands) -> None:
    actions = commands.group(
        "office", "profil kantor (instansi, kepala, peran, jam kerja)", "office_command"
    )
    s = actions.add("show", "tampilkan profil kantor")
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=_office_show)
    s = actions.add("set", "ubah satu kunci profil")
    s.add_argument("key", metavar="KUNCI")
    s.add_argument("value", metavar="NILAI")
    s.set_defaults(handler=_office_set)

    commands.add("config", "setelan yang berlaku dan asal masing-masing").set_defaults(
        handler=_config
    )
    commands.add("whoami", "pengguna, peran dan database yang dipakai").set_defaults(
        handler=_whoami
    )
    p = commands.add("init", "siapkan folder database bersama untuk satu grup Unix")
    p.add_argument("--shared", type=Path, required=True, metavar="DIR")
    p.add_argument("--group", required=True, metavar="GROUP")
    p.set_defaults(handler=_init)

    p = commands.add("serve", "sajikan aplikasi TUI ke browser (textual-serve)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument(
        "--public",
        action="store_true",
        help="izinkan alamat selain loopback (siapa pun yang memegang token bertindak "
        "sebagai pengguna server)",
    )
    p.add_argument(
        "--token-file",
        type=Path,
        metavar="FILE",
        help="baca token rahasia dari FILE (mode 600); tanpa ini token baru dicetak sekali",
    )
    p.set_defaults(handler=_serve)

    commands.add("doctor", "periksa database dan cadangannya").set_defaults(handler=_doctor)
    p = commands.add("restore", "pulihkan database dari cadangan terakhir yang baik")
    p.add_argument(
        "--from",
        dest="backup",
        type=Path,
        metavar="FILE",
        help="cadangan tertentu (default: yang terbaru yang terbaca)",
    )
    p.add_argument("--yes", action="store_true", help="pulihkan tanpa bertanya (untuk skrip)")
    p.set_defaults(handler=_restore)


def _office_set(args: argparse.Namespace) -> int:
    if args.key.strip().lower() == "logo":  # the image itself goes into the shared database
        from soptrack.services import documents  # python-docx & co.: only for this command

        print(f"logo = {documents.set_logo(services_for(args), args.value)}")
        return EXIT_OK
    profile = services_for(args).set_office(args.key, args.value)
    value = dict(profile_rows(profile)).get(args.key.strip().lower(), args.value)
    print(f"{args.key} = {value}")
    return EXIT_OK


def _office_show(args: argparse.Namespace) -> int:
    services = services_for(args)
    profile = services.office()
    if args.json:
        return print_json(profile_to_dict(profile))
    rows = table(f"Profil kantor ({services.repo.path})", ["Kunci", "Nilai"])
    for key, value in profile_rows(profile):
        add_row(rows, key, str(value) or "-")
    console().print(rows)
    return EXIT_OK


def _doctor(args: argparse.Namespace) -> int:
    services = services_for(args)
    report = services.check_database()
    for line in report.lines:
        print(line)
    # the runs are checked too when a file problem was found (a backup folder, the lock):
    # one problem must not hide another; only files that cannot be read stop it here
    try:
        problems = services.chain_problems()
        chain_ok = not problems
        services.statuses(problems=problems, scope=Scope(all_years=True))
    except SoptrackError as exc:
        print(f"Riwayat: tidak diperiksa ({exc})")
        return EXIT_INPUT
    if chain_ok:
        print("Riwayat: rantai hash semua run cocok")
    for problem in problems:
        print(f"MASALAH: {problem}")
    return EXIT_INPUT if problems or not report.ok else EXIT_OK


def _restore(args: argparse.Namespace) -> int:
    services = services_for(args)
    chosen, plan = services.restore_plan(args.backup)
    for line in plan:
        print(line)
    if not args.yes:
        if not sys.stdin.isatty():
            raise BadInput("restore mengganti database; tambahkan --yes untuk memulihkan")
        answer = input(f"Pulihkan {services.repo.path} dari cadangan ini? [y/T] ")
        if answer.strip().lower() not in ("y", "ya"):
            print("Tidak dipulihkan; tidak ada yang diubah.")
            return EXIT_OK
    for restored, kept in services.restore(chosen):
        print(
            f"Dipulihkan dari {restored}" + (f"; file lama disimpan sebagai {kept}" if kept else "")
        )
    return EXIT_OK


def _config(args: argparse.Namespace) -> int:
    """One setting a line, not a table: paths stay whole at any width (copy, paste)."""
    services = services_for(args)
    print("Setelan yang berlaku:")
    for key, value, source in services.config.rows():
        print(f"  {key} = {value}  ({source})")
    print(f"File config sistem: {system_config_path()}")
    print(f"File config pengguna: {user_config_path()}")
    return EXIT_OK


def _whoami(args: argparse.Namespace) -> int:
    services = services_for(args)
    office = services.office()
    actor = services.actor(office)
    held = ", ".join(office.roles_of(services.user)) or "tidak ada"
    print(f"Pengguna: {services.user}")
    print(f"Peran: {held}; bertindak sebagai: {actor.role or '-'}")
    print(f"Peran wajib: {'ya' if office.enforce_roles else 'tidak'}")
    print(f"Zona kantor: {office.zona} ({zone_label(office.zona)}), kini {services.clock():%H:%M}")
    print(f"Database: {services.repo.path} ({services.config.db.source})")
    return EXIT_OK


def _init(args: argparse.Namespace) -> int:
    for line in init_shared(args.shared, args.group):
        print(line)
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    from soptrack.cli.serve import serve  # textual-serve and aiohttp: only for this command

    services = services_for(args)
    return serve(
        str(services.repo.path),
        args.host,
        args.port,
        public=args.public,
        as_role=getattr(args, "as_role", None),
        token_file=args.token_file,
    )
