"""`soptrack serve` lets in only who holds the token, and no page of another origin."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from soptrack.cli.serve import allowed_origin, read_token
from soptrack.sop.errors import BadInput

TOKEN = "rahasia-kantor-0123456789abcdef"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_port(port: int, proc: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else "server died"
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"server not listening on {port} after {seconds} s")


def test_token_file_must_be_private(tmp_path: Path) -> None:
    path = tmp_path / "token"
    path.write_text(TOKEN + "\n")
    os.chmod(path, 0o644)
    with pytest.raises(BadInput, match="chmod 600"):
        read_token(path)
    os.chmod(path, 0o600)
    assert read_token(path) == TOKEN
    path.write_text("pendek")
    with pytest.raises(BadInput, match="16"):
        read_token(path)


def test_origin_rule() -> None:
    assert allowed_origin("http://127.0.0.1:8000", "127.0.0.1:8000", 8000)
    assert allowed_origin("http://localhost:8000", "127.0.0.1:8000", 8000)
    assert not allowed_origin("http://localhost:9000", "127.0.0.1:8000", 8000)
    assert not allowed_origin("https://evil.example", "127.0.0.1:8000", 8000)
    assert not allowed_origin("null", "127.0.0.1:8000", 8000)


async def _probe(base: str, port: int) -> dict[str, object]:
    import aiohttp

    seen: dict[str, object] = {}
    timeout = aiohttp.ClientTimeout(total=20)
    # unsafe: accept cookies from an IP address, as browsers do
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(timeout=timeout, cookie_jar=jar) as session:
        async with session.get(f"{base}/") as resp:
            seen["page without token"] = resp.status
        async with session.get(f"{base}/?token=wrong-token-0123456789") as resp:
            seen["page with a wrong token"] = resp.status
        for name, url, headers in [
            ("ws without token", f"{base}/ws", {}),
            ("ws foreign origin", f"{base}/ws?token={TOKEN}", {"Origin": "https://evil.example"}),
        ]:
            try:
                async with session.ws_connect(url, headers=headers):
                    seen[name] = 101
            except aiohttp.WSServerHandshakeError as exc:
                seen[name] = exc.status
        async with session.get(f"{base}/", headers={"Origin": "https://evil.example"}) as resp:
            seen["page foreign origin"] = resp.status
        async with session.get(f"{base}/?token={TOKEN}") as resp:
            seen["page with token"] = resp.status
            body = await resp.text()
            seen["ws url on the host used"] = f'"ws://127.0.0.1:{port}/ws"' in body
            seen["the app's page"] = "soptrack" in body and "textual" in body.lower()
            seen["cookie"] = "soptrack_token" in resp.cookies
        origin = {"Origin": f"http://localhost:{port}"}
        # the cookie the page set, as the browser sends it with the page's websocket
        async with session.ws_connect(f"{base}/ws?width=80&height=24", headers=origin) as ws:
            seen["ws with token"] = 101
            await ws.close()
    return seen


def test_serve_without_the_token_is_forbidden(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN)
    os.chmod(token_file, 0o600)
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "soptrack",
            "--db",
            str(tmp_path / "db.json"),
            "serve",
            "--port",
            str(port),
            "--token-file",
            str(token_file),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_port(port, proc)
        seen = asyncio.run(asyncio.wait_for(_probe(f"http://127.0.0.1:{port}", port), 60))
    finally:
        proc.terminate()
        out, _err = proc.communicate(timeout=20)
    assert seen == {
        "page without token": 403,
        "page with a wrong token": 403,
        "ws without token": 403,
        "ws foreign origin": 403,
        "page foreign origin": 403,
        "page with token": 200,
        "ws url on the host used": True,
        "the app's page": True,
        "cookie": True,
        "ws with token": 101,
    }
    assert TOKEN not in out  # read from the file: never printed


def test_serve_prints_a_fresh_token_once(tmp_path: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "soptrack", "--db", str(tmp_path / "db.json"), "serve"]
        + ["--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_port(port, proc)
    finally:
        proc.terminate()
        out, _err = proc.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}/?token=" in out
    assert out.count("token=") == 1
