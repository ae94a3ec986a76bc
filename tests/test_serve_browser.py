"""`soptrack serve` in a real browser: headless Chromium loads the page and the board shows.

Driven through the Chrome DevTools protocol with aiohttp (already installed with
textual-serve), so no browser download is needed. Skipped when Chromium is missing.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="needs Chromium (apt-get install chromium)"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_http(url: str, seconds: float = 20) -> str:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                return resp.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


async def _browse(debug_port: int, url: str, shot: Path) -> dict[str, object]:
    import aiohttp

    async with aiohttp.ClientSession() as session:
        async with session.put(f"http://127.0.0.1:{debug_port}/json/new?{url}") as resp:
            target = json.loads(await resp.text())
        async with session.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0) as ws:
            counter = 0

            async def call(method: str, **params: object) -> dict:
                nonlocal counter
                counter += 1
                await ws.send_json({"id": counter, "method": method, "params": params})
                while True:
                    message = json.loads((await ws.receive()).data)
                    if message.get("id") == counter:
                        return message.get("result", {})

            async def look() -> dict[str, object]:
                state = await call(
                    "Runtime.evaluate",
                    expression=(
                        "JSON.stringify({started: document.body.classList.contains('-first-byte'),"
                        " canvas: document.querySelectorAll('#terminal canvas').length,"
                        " rows: (document.querySelector('.xterm-rows')||{}).innerText||''})"
                    ),
                    returnByValue=True,
                )
                # while the page is still loading, evaluate answers without a value
                value = state.get("result", {}).get("value")
                return json.loads(value) if isinstance(value, str) else {"started": False}

            async def until(condition, seconds: float = 180) -> dict[str, object]:
                """Wait for a condition of the page, not for a time: a loaded machine may
                take long to start the app, a quiet one is done at once."""
                deadline = time.monotonic() + seconds
                seen = await look()
                while not condition(seen) and time.monotonic() < deadline:
                    await asyncio.sleep(0.25)
                    seen = await look()
                return seen

            result = await until(lambda r: r.get("started"))
            # the first frame painted: the overview lists the run (or a canvas renders it)
            await until(lambda r: r.get("canvas") or "pk-1" in str(r.get("rows", "")), 60)
            await call(
                "Runtime.evaluate",
                expression="(document.querySelector('.xterm-helper-textarea')||{focus(){}}).focus()",
            )
            for kind in ("keyDown", "keyUp"):  # Enter on the overview opens the run's board
                await call(
                    "Input.dispatchKeyEvent",
                    type=kind,
                    key="Enter",
                    code="Enter",
                    windowsVirtualKeyCode=13,
                    text="\r" if kind == "keyDown" else "",
                )
            # the board is open once its current step is marked; the canvas renderer shows
            # no text to wait for, so it gets a moment as before
            if str(result.get("rows", "")).strip() or str((await look()).get("rows", "")).strip():
                await until(lambda r: "KINI" in str(r.get("rows", "")), 60)
            else:
                await asyncio.sleep(2)
            data = await call("Page.captureScreenshot", format="png")
            shot.write_bytes(base64.b64decode(data["data"]))
            return result


def test_browser_shows_the_board(tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "soptrack",
            "--db",
            str(db),
            "run",
            "new",
            "pengukuran-kinerja",
            "--title",
            "PK Browser",
        ],
        check=True,
    )
    port, debug_port = _free_port(), _free_port()
    token = tmp_path / "token"
    token.write_text("token-browser-0123456789abcdef")
    os.chmod(token, 0o600)
    server = subprocess.Popen(
        [sys.executable, "-m", "soptrack", "--db", str(db), "serve", "--port", str(port)]
        + ["--token-file", str(token)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    browser = subprocess.Popen(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--enable-unsafe-swiftshader",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'chrome'}",
            "--window-size=1280,800",
            f"--remote-debugging-port={debug_port}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/?token=token-browser-0123456789abcdef"
        page = _wait_http(url)
        assert "soptrack" in page
        _wait_http(f"http://127.0.0.1:{debug_port}/json/version")
        shot = tmp_path / "board.png"
        result = asyncio.run(_browse(debug_port, url, shot))
        assert result["started"], "the app never sent its first frame to the browser"
        assert result["canvas"] or "pk-1" in str(result["rows"])
        assert shot.stat().st_size > 20_000  # a painted terminal, not the splash (~12 kB)
        keep = os.environ.get("SOPTRACK_KEEP_SCREENSHOT")
        if keep:
            shutil.copy(shot, keep)
    finally:
        browser.terminate()
        server.terminate()
        browser.wait(timeout=10)
        server.wait(timeout=10)
