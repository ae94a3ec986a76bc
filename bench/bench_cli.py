"""Command-line benchmark: start-up and every command at 1,000 and 2,000 runs (spread over
10 years), as a user types them.

Each figure is a whole process (what someone over SSH waits for), against a baseline measured
in the same run:

* `soptrack status` on a small database against `python -c pass` and `python -c "import
  textual"` (the CLI must never pay for the TUI);
* `status`, `runs`, `status RUN`, `history RUN` against a bare Python process that only
  json.loads the same runs kept as one file (how soptrack 0.2 stored them: the baseline of
  the earlier table); `step` against that json.load + the write floor of that file;
* 8 `step`s started at once (8 colleagues writing): wall time and how many got exit 3;
* peak memory (MB) of `status` against a bare json.load of that one file.

Every process runs with cached bytecode, as an installed soptrack does (a wheel's modules are
compiled at install): the children get a private PYTHONPYCACHEPREFIX (PYTHONDONTWRITEBYTECODE
is dropped) and one warm-up run. --no-pyc keeps the environment as it is (an editable install
under PYTHONDONTWRITEBYTECODE then compiles soptrack's sources on every start, ~50 ms).

    python bench/bench_cli.py [--json] [--quick] [--runs 1000,2000] [--no-pyc]
"""

from __future__ import annotations

import argparse
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

from bench_store import build_runs, newest_unfinished, write_database  # noqa: E402

from soptrack.sop.run import run_to_dict  # noqa: E402


def soptrack() -> list[str]:
    script = Path(sys.executable).with_name("soptrack")
    return [str(script)] if script.exists() else [sys.executable, "-m", "soptrack"]


def timed(command: list[str], env: dict[str, str], repeat: int, *, check: bool = True) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        proc = subprocess.run(command, env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
        if check and proc.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed ({proc.returncode}): {proc.stderr}")
    return statistics.median(times) * 1000


# VmHWM, not ru_maxrss: a child's ru_maxrss starts at its parent's (this process holds the
# runs it built), VmHWM belongs to the new process image alone.
HWM = (
    "print(next(int(x.split()[1]) for x in open('/proc/self/status') "
    "if x.startswith('VmHWM')) / 1024)"
)
PEAK = (
    "import sys, contextlib, io\n"
    "from soptrack.main import main\n"
    "with contextlib.redirect_stdout(io.StringIO()):\n"
    "    code = main(sys.argv[1:])\n" + HWM + "\n"
)
PEAK_LOAD = "import json, sys; json.load(open(sys.argv[1], 'rb'))\n" + HWM


def peak_mb(command: list[str], env: dict[str, str]) -> float:
    proc = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return float(proc.stdout.strip().splitlines()[-1])


def writers(cli: list[str], db: Path, refs: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Everyone at once: wall time until the last writer is done, and how many got exit 3."""
    t0 = time.perf_counter()
    procs = [
        subprocess.Popen(
            [*cli, "step", ref, "1", "note", "--note", f"bersamaan {i}", "--db", str(db)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for i, ref in enumerate(refs)
    ]
    codes = [p.wait() for p in procs]
    for p in procs:
        p.stderr.close()  # type: ignore[union-attr]
    return (time.perf_counter() - t0) * 1000, sum(1 for c in codes if c == 3)


def _big(
    n_runs: int, tmp: str, cli: list[str], env: dict[str, str], repeat: int
) -> list[dict[str, object]]:
    """Every command at n_runs against a bare Python that json.loads the same runs kept as
    one file, the way soptrack 0.2 stored them (the baseline of the earlier table)."""
    py = sys.executable
    runs = build_runs(n_runs)
    big = Path(tmp, f"big-{n_runs}.json")
    write_database(big, runs)
    old = Path(tmp, f"old-{n_runs}.json")
    old.write_bytes(
        json.dumps(
            {"runs": {str(i): run_to_dict(r) for i, r in enumerate(runs, 1)}},
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
    )
    del runs
    read_floor = timed([py, "-c", f"import json; json.load(open({str(old)!r}, 'rb'))"], env, repeat)
    floor_script = (
        f"import json, os; p = {str(old)!r}; d = json.load(open(p, 'rb'));"
        "b = json.dumps(d, ensure_ascii=False, separators=(',', ':')).encode();"
        "f = open(p + '.floor', 'wb'); f.write(b); f.flush(); os.fsync(f.fileno());"
        "f.close(); os.replace(p + '.floor', p + '.floor2')"
    )
    write_floor = timed([py, "-c", floor_script], env, repeat)
    mb = old.stat().st_size / 1e6
    label = f"{n_runs:,} runs, {mb:.0f} MB"
    ref = f"pk-{newest_unfinished(n_runs)}"
    rows: list[dict[str, object]] = []
    for what, command, limit in [
        ("status", ["status"], 300 if n_runs >= 2000 else None),
        ("runs", ["runs"], None),
        ("status --all", ["status", "--all"], None),
        ("status RUN", ["status", ref], None),
        ("history RUN", ["history", ref], None),
    ]:
        rows.append(
            {
                "bench": "cli",
                "what": f"soptrack {what} ({label})",
                "ms": timed([*cli, *command, "--db", str(big)], env, repeat),
                "baseline": "python: json.load of all runs as one file (0.2)",
                "baseline_ms": read_floor,
                "target": None,
                "limit_ms": limit,
            }
        )
    # a note is always allowed, so every repeat is a real write
    step = [*cli, "step", ref, "1", "note", "--note", "bench", "--db", str(big)]
    one = timed(step, env, repeat)
    rows.append(
        {
            "bench": "cli",
            "what": f"soptrack step N note ({label})",
            "ms": one,
            "baseline": "python: json.load + dumps+write+fsync+replace (0.2)",
            "baseline_ms": write_floor,
            "target": None,
        }
    )
    if n_runs >= 1000:
        refs = [f"pk-{n_runs - i}" for i in range(8)]
        wall, busy = writers(cli, big, refs, env)
        rows.append(
            {
                "bench": "cli",
                "what": f"8 writers at once, until the last is done: exit 3 for {busy} of 8 "
                f"({label})",
                "ms": wall,
                "baseline": "one step alone",
                "baseline_ms": one,
                "target": None,
            }
        )
        rows.append(
            {
                "bench": "cli",
                "what": f"peak memory of soptrack status ({label})",
                "ms": peak_mb([py, "-c", PEAK, "status", "--db", str(big)], env),
                "baseline": "python: json.load of all runs as one file (0.2)",
                "baseline_ms": peak_mb([py, "-c", PEAK_LOAD, str(old)], env),
                "target": None,
                "limit_ms": 60 if n_runs >= 2000 else None,
                "unit": "MB",
            }
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true", help="3 repeats, 200 runs")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--runs", default="1000,2000", help="sizes, comma-separated")
    parser.add_argument(
        "--no-pyc",
        action="store_true",
        help="leave PYTHONDONTWRITEBYTECODE as set (soptrack compiled from source each start)",
    )
    args = parser.parse_args(argv)
    repeat = 3 if args.quick else args.repeat
    py = sys.executable
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="soptrack-bench-") as tmp:
        env = dict(os.environ)
        env.pop("SOPTRACK_DB", None)
        env.update(XDG_CONFIG_HOME=f"{tmp}/config", XDG_DATA_HOME=f"{tmp}/data")
        if not args.no_pyc:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = f"{tmp}/pycache"
        small = Path(tmp, "small.json")
        write_database(small, build_runs(10))
        cli = soptrack()
        sizes = [200] if args.quick else [int(x) for x in args.runs.split(",")]
        for warm_up in (["status", "--db", str(small)], ["--help"]):
            timed([*cli, *warm_up], env, 1)  # bytecode cache, disk cache

        bare = timed([py, "-c", "pass"], env, repeat)
        textual = timed([py, "-c", "import textual.app"], env, repeat)
        status_small = timed([*cli, "status", "--db", str(small)], env, repeat)
        help_ms = timed([*cli, "--help"], env, repeat)
        rows += [
            {
                "bench": "cli",
                "what": "soptrack status (10 runs)",
                "ms": status_small,
                "baseline": "python -c pass",
                "baseline_ms": bare,
                "target": None,
            },
            {
                "bench": "cli",
                "what": "soptrack status (10 runs)",
                "ms": status_small,
                "baseline": "python -c 'import textual.app'",
                "baseline_ms": textual,
                "target": 1.0,
            },
            {
                "bench": "cli",
                "what": "soptrack --help",
                "ms": help_ms,
                "baseline": "python -c pass",
                "baseline_ms": bare,
                "target": None,
            },
        ]

        for n_runs in sizes:
            rows += _big(n_runs, tmp, cli, env, repeat)
    if args.json:
        print(json.dumps(rows))
    else:
        from run_all import print_table

        print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
