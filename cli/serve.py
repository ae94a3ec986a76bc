"""`soptrack serve`: the same Textual app in a browser, through textual-serve.

Bound to loopback by default: reach it through an SSH tunnel. Anyone who reaches the port
acts as the user running the server, so another address needs an explicit --public.
"""

from __future__ import annotations

import shlex
import sys

from soptrack.sop.errors import BadInput

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def command_for(db: str, as_role: str | None = None) -> str:
    parts = [sys.executable, "-m", "soptrack", "--db", db]
    if as_role:
        parts += ["--as", as_role]
    return shlex.join([*parts, "tui"])


def serve(db: str, host: str, port: int, *, public: bool, as_role: str | None = None) -> int:
    if host not in LOOPBACK and not public:
        raise BadInput(
            f"--host {host} membuka soptrack untuk jaringan; tambahkan --public bila memang "
            "dimaksud (lebih aman: biarkan 127.0.0.1 dan pakai ssh -L)"
        )
    if not 1 <= port <= 65535:
        raise BadInput(f"--port {port} tidak sah (1-65535)")
    if host not in LOOPBACK:
        print(
            f"PERINGATAN: siapa pun yang mencapai {host}:{port} bertindak sebagai pengguna "
            "server ini di soptrack.",
            file=sys.stderr,
        )
    # textual-serve and aiohttp: only for `soptrack serve` (start-up time)
    from textual_serve.server import Server

    print(f"soptrack tersedia di http://{host}:{port} (Ctrl+C untuk berhenti)", flush=True)
    Server(command_for(db, as_role), host=host, port=port, title="soptrack").serve()
    return 0
