"""Smoke test of the installed command in a real terminal (tmux), 80x24, keyboard only."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux tidak terpasang")


def soptrack() -> str:
    beside = Path(sys.executable).with_name("soptrack")
    return str(beside) if beside.exists() else (shutil.which("soptrack") or "soptrack")


class Terminal:
    def __init__(self, tmp_path: Path, command: str) -> None:
        self.socket = f"soptrack-{os.getpid()}-{tmp_path.name}"
        self.env = {**os.environ, "TERM": "xterm-256color"}
        self.tmux("new-session", "-d", "-s", "t", "-x", "80", "-y", "24", command)

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            [TMUX, "-L", self.socket, *args],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=30,
        )
        return result.stdout

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", "t", key)
            time.sleep(0.15)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "t")

    def wait_for(self, text: str, seconds: float = 10.0) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} not on screen:\n{self.screen()}")

    def close(self) -> None:
        self.tmux("kill-server")


def test_newcomer_starts_a_run_and_sees_a_cli_change(tmp_path: Path) -> None:
    db = tmp_path / "soptrack.json"
    term = Terminal(tmp_path, f"{soptrack()} --db {db}")
    try:
        term.wait_for("Database ini masih kosong")
        term.keys("b")
        term.wait_for("Mulai run baru")
        term.keys("Tab", "PK Dinsos 2026", "Enter", "Enter")
        shown = term.wait_for("PK Dinsos 2026")
        assert "0/13" in shown and "KINI" in shown
        term.keys("s")
        term.wait_for("▶ BERJALAN")
        result = subprocess.run(
            [sys.executable, "-m", "tui.cli", "--db", str(db), "step", "pk-1", "1", "done"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        started = time.monotonic()
        shown = term.wait_for("1/13", seconds=5)
        assert time.monotonic() - started < 2.5
        assert "✓ SELESAI" in shown
        term.keys("q")
        time.sleep(0.5)
    finally:
        term.close()
