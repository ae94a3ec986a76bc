"""Command-line benchmark: start-up and every command at 1,000 runs, as a user types them.

Each figure is a whole process (what someone over SSH waits for), against a baseline measured
in the same run:

* `soptrack status` on a small database against `python -c pass` and `python -c "import
  textual"` (the CLI must never pay for the TUI);
* `status`, `runs`, `status RUN`, `history RUN` at 1,000 runs against a bare Python process
  that only json.loads the same file; `step` against json.loads + the write floor.

    python bench/bench_cli.py [--json] [--quick] [--runs 1000]
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

from bench_store import build_runs, write_database  # noqa: E402


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true", help="3 repeats")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--runs", type=int, default=1000)
    args = parser.parse_args(argv)
    repeat = 3 if args.quick else args.repeat
    py = sys.executable
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="soptrack-bench-") as tmp:
        env = dict(os.environ)
        env.pop("SOPTRACK_DB", None)
        env.update(XDG_CONFIG_HOME=f"{tmp}/config", XDG_DATA_HOME=f"{tmp}/data")
        small = Path(tmp, "small.json")
        write_database(small, build_runs(10))
        big = Path(tmp, "big.json")
        write_database(big, build_runs(args.runs))
        cli = soptrack()

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

        load = f"import json; json.load(open({str(big)!r}, 'rb'))"
        read_floor = timed([py, "-c", load], env, repeat)
        floor_script = (
            f"import json, os; p = {str(big)!r}; d = json.load(open(p, 'rb'));"
            "b = json.dumps(d, ensure_ascii=False, separators=(',', ':')).encode();"
            "f = open(p + '.floor', 'wb'); f.write(b); f.flush(); os.fsync(f.fileno());"
            "f.close(); os.replace(p + '.floor', p + '.floor2')"
        )
        write_floor = timed([py, "-c", floor_script], env, repeat)
        label = f"{args.runs:,} runs, {big.stat().st_size / 1e6:.0f} MB"
        for what, command in [
            ("status", ["status"]),
            ("runs", ["runs"]),
            ("status RUN", ["status", "pk-4"]),
            ("history RUN", ["history", "pk-4"]),
        ]:
            ms = timed([*cli, *command, "--db", str(big)], env, repeat)
            rows.append(
                {
                    "bench": "cli",
                    "what": f"soptrack {what} ({label})",
                    "ms": ms,
                    "baseline": "python: json.load of the file",
                    "baseline_ms": read_floor,
                    "target": None,
                }
            )
        # a note is always allowed, so every repeat is a real write
        step = [*cli, "step", "pk-4", "1", "note", "--note", "bench", "--db", str(big)]
        rows.append(
            {
                "bench": "cli",
                "what": f"soptrack step N note ({label})",
                "ms": timed(step, env, repeat),
                "baseline": "python: json.load + dumps+write+fsync+replace",
                "baseline_ms": write_floor,
                "target": None,
            }
        )
    if args.json:
        print(json.dumps(rows))
    else:
        from run_all import print_table

        print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
