"""`soptrack serve`: the same Textual app in a browser, through textual-serve.

Whoever drives the page acts as the user running the server, so the page, the websocket and
downloads need a secret token (printed once as a URL, like Jupyter, or read from a file only
that user can read), and a request from a page of another origin is refused: a web page open
in the same browser cannot drive soptrack through the tunnel. Bound to loopback by default
(reach it through `ssh -L`); another address needs an explicit --public.
"""

from __future__ import annotations

import hmac
import logging
import os
import secrets
import shlex
import stat
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from soptrack.sop.errors import BadInput

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
TOKEN_PARAM = "token"
COOKIE = "soptrack_token"
# textual-serve's own scripts and styles: no data in them, and they are loaded from the
# address the server was started on, which may differ from the one typed (localhost)
OPEN_PREFIX = "/static/"


def command_for(db: str, as_role: str | None = None) -> str:
    parts = [sys.executable, "-m", "soptrack", "--db", db]
    if as_role:
        parts += ["--as", as_role]
    return shlex.join([*parts, "tui"])


def read_token(path: Path) -> str:
    """A token from a file only its owner can read (like an SSH key)."""
    try:
        st = path.stat()
        text = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise BadInput(f"--token-file {path}: file tidak ada") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"--token-file {path}: tidak dapat dibaca ({exc})") from None
    if st.st_uid != os.getuid() or st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise BadInput(
            f"--token-file {path}: hanya pemiliknya yang boleh membaca; jalankan: chmod 600 {path}"
        )
    if len(text) < 16 or any(c.isspace() for c in text):
        raise BadInput(f"--token-file {path}: token minimal 16 karakter tanpa spasi")
    return text


def new_token() -> str:
    return secrets.token_urlsafe(32)


def allowed_origin(origin: str, host_header: str, port: int) -> bool:
    """The page's own address, or a loopback name for the same port (ssh -L users type
    localhost or 127.0.0.1 interchangeably)."""
    try:
        parts = urlsplit(origin)
        origin_port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    if parts.netloc == host_header:
        return True
    return parts.hostname in LOOPBACK and origin_port == port


def make_server(command: str, host: str, port: int, token: str) -> Any:
    """textual-serve's Server with the token and Origin checks in front of every handler."""
    import aiohttp_jinja2
    from aiohttp import web
    from textual_serve.server import Server, to_int

    def refuse(why: str) -> web.Response:
        return web.Response(status=403, text=f"403 Forbidden: {why}\n")

    @web.middleware
    async def guard(request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path.startswith(OPEN_PREFIX):
            return await handler(request)
        origin = request.headers.get("Origin")
        if origin is not None and not allowed_origin(origin, request.host, port):
            return refuse("asal (Origin) lain tidak diizinkan")
        given = request.query.get(TOKEN_PARAM) or request.cookies.get(COOKIE) or ""
        if not hmac.compare_digest(given.encode(), token.encode()):
            return refuse("token soptrack diperlukan; buka URL yang dicetak oleh soptrack serve")
        response = await handler(request)
        if request.query.get(TOKEN_PARAM) and isinstance(response, web.Response):
            response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", path="/")
        return response

    class TokenServer(Server):
        async def _make_app(self) -> web.Application:
            app = await super()._make_app()
            app.middlewares.append(guard)
            return app

        @aiohttp_jinja2.template("app_index.html")
        async def handle_index(self, request: web.Request) -> dict[str, Any]:
            # as textual-serve's, but addressed to the host the browser used, so the cookie
            # set with the page goes with the websocket (its script appends ?width=...)
            base = f"{request.scheme}://{request.host}"
            ws = ("wss" if request.scheme == "https" else "ws") + base[base.index(":") :]
            router = request.app.router
            return {
                "font_size": to_int(request.query.get("fontsize", "16"), 16),
                "app_websocket_url": f"{ws}{router['websocket'].url_for()}",
                "config": {"static": {"url": f"{base}{router['static'].url_for(filename='/')}"}},
                "application": {"name": self.title},
            }

        async def on_startup(self, app: web.Application) -> None:
            pass  # textual-serve's banner would print a URL without the token

        def initialize_logging(self) -> None:
            super().initialize_logging()
            logging.getLogger("aiohttp.access").addFilter(_Redact(token))

    return TokenServer(command, host=host, port=port, title="soptrack")


class _Redact(logging.Filter):
    """The access log shows requests, never the token in their URLs."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and self.token in record.msg:
            record.msg = record.msg.replace(self.token, "***")
        return True


def serve(
    db: str,
    host: str,
    port: int,
    *,
    public: bool,
    as_role: str | None = None,
    token_file: Path | None = None,
) -> int:
    if host not in LOOPBACK and not public:
        raise BadInput(
            f"--host {host} membuka soptrack untuk jaringan; tambahkan --public bila memang "
            "dimaksud (lebih aman: biarkan 127.0.0.1 dan pakai ssh -L)"
        )
    if not 1 <= port <= 65535:
        raise BadInput(f"--port {port} tidak sah (1-65535)")
    token = read_token(token_file) if token_file else new_token()
    if host not in LOOPBACK:
        print(
            f"PERINGATAN: {host}:{port} terbuka untuk jaringan; siapa pun yang memegang token "
            "bertindak sebagai pengguna server ini di soptrack. Token lewat http biasa bisa "
            "disadap: pakai ssh -L atau proxy https.",
            file=sys.stderr,
        )
    server = make_server(command_for(db, as_role), host, port, token)
    shown = f"[{host}]" if ":" in host else host
    if token_file:
        print(f"soptrack tersedia di http://{shown}:{port}/?{TOKEN_PARAM}=<isi {token_file}>")
    else:
        print(
            f"soptrack tersedia di http://{shown}:{port}/?{TOKEN_PARAM}={token}\n"
            "(token ini rahasia: siapa pun yang memegangnya bertindak sebagai Anda; "
            "Ctrl+C untuk berhenti)",
            flush=True,
        )
    server.serve()
    return 0
