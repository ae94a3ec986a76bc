"""TUI benchmark: time to first frame against a bare Textual app, and key-to-repaint time
with 2,000 runs (over 10 years) in the database against a database holding only the run on
screen.

* First frame: each app runs headless in a fresh process, N times; the figure is the wall
  time from spawning the process until the first screen is mounted and the app is idle
  (interpreter start and imports included: what a user over SSH waits for). soptrack starts
  through its own entry point (`soptrack --db DB [open RUN]`: arguments, config files, the
  database checks before the screen, then the app), as the command does. The baseline is
  a bare Textual App with one Static, measured the same way in the same run, the runs
  interleaved (bare, overview, board, bare, ...) so that a passing load on a shared machine
  weighs on both alike. Target: 1.3.
  Both run with cached bytecode, as installed: Textual's .pyc files come with its wheel, so
  the children get a private PYTHONPYCACHEPREFIX (PYTHONDONTWRITEBYTECODE is dropped) and
  one warm-up run each. --no-pyc keeps the environment as it is (soptrack then compiles
  every module from source on each start, Textual does not: not a like-for-like figure).
* Key to repaint: in one process, the board of a run; median time from sending a key to
  the last frame the app writes for it (headless driver), for a cursor move (j/k) and for
  a step written to the store and undone (s then u), on a fresh run in a database of 2,000
  other runs against the same run alone.

    python bench/bench_tui.py [--json] [--quick] [--repeat 7] [--runs 2000]

Prints figures; never asserts timings.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

# -- child processes: one app to its first frame, then print the moment and exit -------------


def _child(kind: str, db: str, run_ref: str) -> None:
    first: list[float] = []

    def watch(app) -> None:
        display = app._display

        def recording(screen, renderable) -> None:
            display(screen, renderable)
            if renderable is not None and not first:
                first.append(time.time())

        app._display = recording

    async def ready(pilot) -> None:
        await pilot.pause()
        print(f"READY {first[0] if first else time.time():.6f} {time.time():.6f}", flush=True)
        pilot.app.exit()

    if kind == "bare":
        from textual.app import App
        from textual.widgets import Static

        class Bare(App):
            def compose(self):
                yield Static("halo")

        app = Bare()
        watch(app)
        app.run(headless=True, size=(80, 24), auto_pilot=ready)
        return
    # soptrack as a user starts it: the `soptrack` command's own entry point, headless. The
    # app is caught as its module is imported, so nothing of soptrack or Textual is imported
    # before the entry point imports it. The catcher is a plain class: a meta path finder
    # only needs find_spec, and importlib.abc (which imports importlib.resources, 1.8 ms)
    # is imported by neither soptrack nor the bare app: the harness's cost, not the app's.
    import importlib.util

    os.environ["TEXTUAL_DRIVER"] = "textual.drivers.headless_driver:HeadlessDriver"

    def patch(module) -> None:
        run = module.SoptrackApp.run

        def headless(self, *args, **kwargs):
            watch(self)
            return run(self, headless=True, size=(80, 24), auto_pilot=ready)

        module.SoptrackApp.run = headless

    class CatchApp:
        def find_spec(self, name, path, target=None):
            if name != "soptrack.tui.app":
                return None
            sys.meta_path.remove(self)
            spec = importlib.util.find_spec(name)
            execute = spec.loader.exec_module

            def exec_module(module) -> None:
                execute(module)
                patch(module)

            spec.loader.exec_module = exec_module
            return spec

    sys.meta_path.insert(0, CatchApp())
    from soptrack.main import main as soptrack_main

    soptrack_main(["--db", db, *(["open", run_ref] if run_ref else [])])


def first_frame_ms(
    kind: str, db: Path, run_ref: str, env: dict[str, str], repeat: int
) -> tuple[float, float]:
    """Median ms from spawning to (the first frame written, the app idle after it)."""
    times = []
    idle = []
    for _ in range(repeat):
        started = time.time()
        proc = subprocess.run(
            [sys.executable, __file__, "--child", kind, str(db), run_ref],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        line = next((x for x in proc.stdout.splitlines() if x.startswith("READY ")), None)
        if line is None:
            raise SystemExit(f"{kind}: no first frame ({proc.returncode}): {proc.stderr[-800:]}")
        _, frame, settled = line.split()
        times.append((float(frame) - started) * 1000)
        idle.append((float(settled) - started) * 1000)
    return statistics.median(times), statistics.median(idle)


# -- key to repaint ---------------------------------------------------------------------------


async def _keys(db: Path, run_ref: str, repeat: int) -> tuple[float, float]:
    """Median ms from sending a key to the last frame written for it (the repaint)."""
    from soptrack.services.core import Services
    from soptrack.tui.app import SoptrackApp

    app = SoptrackApp(Services(db, user="bench"), run_ref, poll_seconds=3600)
    frames: list[float] = []
    display = app._display

    def recording(screen, renderable) -> None:
        display(screen, renderable)
        frames.append(time.perf_counter())

    app._display = recording  # type: ignore[method-assign]
    moves: list[float] = []
    writes: list[float] = []

    async def timed(pilot, key: str, into: list[float]) -> None:
        await pilot.pause()
        frames.clear()
        t0 = time.perf_counter()
        await pilot.press(key)
        await pilot.pause()
        if frames:
            into.append(frames[-1] - t0)

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        board = app.screen
        for _ in range(repeat):
            board.focus_step(1)
            await timed(pilot, "j", moves)
            await timed(pilot, "k", moves)
            await timed(pilot, "s", writes)
            await timed(pilot, "u", writes)
    return statistics.median(moves) * 1000, statistics.median(writes) * 1000


def key_ms(db: Path, run_ref: str, repeat: int) -> tuple[float, float]:
    return asyncio.run(_keys(db, run_ref, repeat))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        _child(argv[1], argv[2], argv[3] if len(argv) > 3 else "")
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true", help="3 repeats, 200 runs")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument(
        "--first-frame-only", action="store_true", help="skip the key-to-repaint figures"
    )
    parser.add_argument(
        "--no-pyc",
        action="store_true",
        help="leave PYTHONDONTWRITEBYTECODE as set (soptrack compiled from source each start)",
    )
    args = parser.parse_args(argv)
    repeat = 3 if args.quick else args.repeat
    n_runs = 0 if args.first_frame_only else 200 if args.quick else args.runs
    rows: list[dict[str, object]] = []
    # Here, not at the top: the children (the bare app too) must not import soptrack's store.
    from bench_store import build_runs, write_database

    with tempfile.TemporaryDirectory(prefix="soptrack-bench-tui-") as tmp:
        env = dict(os.environ)
        env.pop("SOPTRACK_DB", None)
        env.update(XDG_CONFIG_HOME=f"{tmp}/config", XDG_DATA_HOME=f"{tmp}/data")
        os.environ.update(XDG_CONFIG_HOME=f"{tmp}/config", XDG_DATA_HOME=f"{tmp}/data")
        if not args.no_pyc:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = f"{tmp}/pycache"
        small = Path(tmp, "small.json")
        write_database(small, build_runs(10))
        one = Path(tmp, "one.json")
        big = Path(tmp, "big.json")
        write_database(big, build_runs(n_runs))
        # The run on screen: a fresh one, made the same way in both databases.
        from soptrack.services.core import Services

        one_run = Services(one, user="bench").new_run("pengukuran-kinerja", "Bench", 2026).id
        big_run = Services(big, user="bench").new_run("pengukuran-kinerja", "Bench", 2026).id

        kinds = [("bare", ""), ("app", ""), ("app", "pk-4")]
        for kind, ref in kinds:
            first_frame_ms(kind, small, ref, env, 1)  # warm-up: bytecode cache, disk cache
        # Interleaved (bare, overview, board, bare, ...): a load that comes and goes on a
        # shared machine weighs on the baseline and the app alike, not on one block of runs.
        samples: dict[tuple[str, str], list[tuple[float, float]]] = {k: [] for k in kinds}
        for _ in range(repeat):
            for kind, ref in kinds:
                samples[(kind, ref)].append(first_frame_ms(kind, small, ref, env, 1))

        def median(kind: str, ref: str) -> tuple[float, float]:
            runs = samples[(kind, ref)]
            return statistics.median(f for f, _ in runs), statistics.median(i for _, i in runs)

        bare, bare_idle = median("bare", "")
        for what, ref in [("soptrack (overview, 10 runs)", ""), ("soptrack open RUN", "pk-4")]:
            frame, idle = median("app", ref)
            rows += [
                {
                    "bench": "tui",
                    "what": f"first frame: {what}",
                    "ms": frame,
                    "baseline": "bare Textual App",
                    "baseline_ms": bare,
                    "target": 1.3,
                },
                {
                    "bench": "tui",
                    "what": f"first frame + idle: {what}",
                    "ms": idle,
                    "baseline": "bare Textual App",
                    "baseline_ms": bare_idle,
                    "target": None,
                },
            ]

        move_one, write_one = key_ms(one, one_run, repeat) if n_runs else (0.0, 0.0)
        move_big, write_big = key_ms(big, big_run, repeat) if n_runs else (0.0, 0.0)
        files = Services(big).repo.files()
        size = f"{n_runs:,} runs, {sum(p.stat().st_size for p in files) / 1e6:.1f} MB"
        rows += (
            []
            if not n_runs
            else [
                {
                    "bench": "tui",
                    "what": f"key j/k to repaint ({size})",
                    "ms": move_big,
                    "baseline": "same, 1 run",
                    "baseline_ms": move_one,
                    "target": None,
                },
                {
                    "bench": "tui",
                    "what": f"key s/u (write) to repaint ({size})",
                    "ms": write_big,
                    "baseline": "same, 1 run",
                    "baseline_ms": write_one,
                    "target": 1.5,
                },
            ]
        )
    if args.json:
        print(json.dumps(rows))
    else:
        for row in rows:
            ratio = row["ms"] / row["baseline_ms"] if row["baseline_ms"] else float("nan")
            target = f" (target <= {row['target']})" if row["target"] else ""
            print(
                f"{row['what']}: {row['ms']:.1f} ms vs {row['baseline']}: "
                f"{row['baseline_ms']:.1f} ms -> ratio {ratio:.2f}{target}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
