"""Run every benchmark in bench/ and print ONE table: each figure against a baseline measured
in the same run, with the ratio.

    python bench/run_all.py              # all of bench/bench_*.py
    python bench/run_all.py --quick      # smaller sizes, fewer repeats (a smoke run)

Protocol for a benchmark script `bench/bench_<name>.py` (so new ones join the table without
changing this file): run as `python bench/bench_<name>.py --json [--quick]`, it prints on its
last stdout line a JSON list of rows

    {"bench": str, "what": str, "ms": float, "baseline": str, "baseline_ms": float,
     "target": float | null}

`target` is the highest acceptable ratio ms / baseline_ms, if there is one; an optional
`limit_ms` is an absolute ceiling, and an optional `unit` (default "ms") names what the
`ms` and `baseline_ms` figures are in (e.g. "MB" for peak memory). A script that
fails or prints something else gets one row saying so, with its last line of output.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ORDER = ["bench_store.py", "bench_cli.py", "bench_tui.py", "bench_export.py"]


def scripts() -> list[Path]:
    found = sorted(HERE.glob("bench_*.py"), key=lambda p: (p.name not in ORDER, p.name))
    return sorted(found, key=lambda p: ORDER.index(p.name) if p.name in ORDER else len(ORDER))


def run_script(path: Path, quick: bool) -> list[dict[str, Any]]:
    command = [sys.executable, str(path), "--json"] + (["--quick"] if quick else [])
    started = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, cwd=HERE.parent)
    took = time.perf_counter() - started
    last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    if proc.returncode == 0:
        try:
            rows = json.loads(last)
            if isinstance(rows, list) and all(isinstance(r, dict) and "ms" in r for r in rows):
                return rows
        except json.JSONDecodeError:
            pass
    why = (proc.stderr.strip().splitlines() or [last or "no output"])[-1]
    return [
        {
            "bench": path.stem.removeprefix("bench_"),
            "what": f"{path.name} gave no rows (exit {proc.returncode}, {took:.1f} s): {why}",
            "ms": None,
            "baseline": "",
            "baseline_ms": None,
            "target": None,
        }
    ]


def _ms(value: Any) -> str:
    if value is None:
        return "-"
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def print_table(rows: list[dict[str, Any]]) -> None:
    header = ["bench", "what", "ms", "baseline", "base ms", "ratio", "target"]
    lines = []
    for row in rows:
        ms, base, target = row.get("ms"), row.get("baseline_ms"), row.get("target")
        ratio = ms / base if ms is not None and base else None
        verdicts = []
        if target and ratio is not None:
            verdicts.append(f"<= {target:g}x " + ("ok" if ratio <= target else "OVER"))
        limit, unit = row.get("limit_ms"), row.get("unit", "ms")
        if limit and ms is not None:
            verdicts.append(f"< {limit:g} {unit} " + ("ok" if ms < limit else "OVER"))
        verdict = ", ".join(verdicts)
        lines.append(
            [
                str(row.get("bench", "")),
                str(row.get("what", ""))
                + (f" [{row['unit']}]" if row.get("unit", "ms") != "ms" else ""),
                _ms(ms),
                str(row.get("baseline", "")),
                _ms(base),
                "-" if ratio is None else f"{ratio:.2f}x",
                verdict,
            ]
        )
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
    right = {2, 4, 5}

    def fmt(cells: list[str]) -> str:
        return (
            "| "
            + " | ".join(
                c.rjust(w) if i in right else c.ljust(w)
                for i, (c, w) in enumerate(zip(cells, widths, strict=True))
            )
            + " |"
        )

    print(fmt(header))
    print(
        "|"
        + "|".join(
            ("-" * (w + 1) + ":") if i in right else "-" * (w + 2) for i, w in enumerate(widths)
        )
        + "|"
    )
    for line in lines:
        print(fmt(line))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="run every bench/bench_*.py, print one table")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    args = parser.parse_args(argv)
    rows: list[dict[str, Any]] = []
    for path in scripts():
        print(f"running {path.name} ...", file=sys.stderr, flush=True)
        rows += run_script(path, args.quick)
    print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
