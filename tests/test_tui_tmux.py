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
            [sys.executable, "-m", "soptrack", "--db", str(db), "step", "pk-1", "1", "done"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        # seen by the poll (every second): waited for, never timed (a loaded machine)
        shown = term.wait_for("1/13", seconds=30)
        assert "✓ SELESAI" in shown
        term.keys("q")
        time.sleep(0.5)
    finally:
        term.close()


def _colours(sgr_codes: list[str]) -> list[tuple[str, ...]]:
    """The colours a screen uses, from its SGR codes: ('16', n), ('256', n) or ('rgb', r, g, b)."""
    found: list[tuple[str, ...]] = []
    for code in sgr_codes:
        params = [p for p in code.split(";") if p]
        i = 0
        while i < len(params):
            p = int(params[i])
            if p in (38, 48) and i + 1 < len(params):
                if params[i + 1] == "5":
                    found.append(("256", params[i + 2]))
                    i += 3
                    continue
                found.append(("rgb", *params[i + 2 : i + 5]))
                i += 5
                continue
            if 30 <= p <= 37 or 40 <= p <= 47 or 90 <= p <= 97 or 100 <= p <= 107:
                found.append(("16", str(p)))
            i += 1
    return found


def _grey(colour: tuple[str, ...]) -> bool:
    if colour[0] == "256":
        n = int(colour[1])
        return n in (0, 7, 8, 15, 16, 231) or 232 <= n <= 255
    if colour[0] == "rgb":
        return len(set(colour[1:])) == 1
    return colour[1] in {"30", "37", "90", "97", "40", "47", "100", "107"}


@pytest.mark.parametrize("env", ["TEXTUAL_COLOR_SYSTEM=standard", "NO_COLOR=1"])
def test_board_in_16_colours_and_no_color_keeps_states_as_text(tmp_path: Path, env: str) -> None:
    import re

    db = tmp_path / "db.json"
    run = subprocess.run(
        [soptrack(), "--db", str(db), "run", "new", "pengukuran-kinerja", "--title", "PK"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    subprocess.run(
        [soptrack(), "--db", str(db), "step", run, "1", "start"], check=True, capture_output=True
    )
    term = Terminal(tmp_path, f"{env} {soptrack()} --db {db} open {run}")
    try:
        shown = term.wait_for("BERJALAN")  # states are words, whatever the colours
        assert "BELUM" in shown and "KINI" in shown
        codes = re.findall(r"\x1b\[([0-9;]*)m", term.tmux("capture-pane", "-p", "-e", "-t", "t"))
        colours = _colours(codes)
        assert colours, "the screen should still use some attributes"
        if env.startswith("TEXTUAL_COLOR_SYSTEM"):
            assert {c[0] for c in colours} == {"16"}  # only the 16 ANSI colours
        else:
            assert all(_grey(c) for c in colours), [c for c in colours if not _grey(c)][:5]
    finally:
        term.close()
