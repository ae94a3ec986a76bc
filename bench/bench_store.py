"""Store benchmark: one transition at 10, 1,000 and 2,000 runs (spread over 10 years)
against its floor.

The floor is what a write of the current year's data costs as one JSON file: one json.dumps
of that year's runs + write + fsync + os.replace, measured in the same run on the same disk.
A transition through the application service (`Services.act`) on an unfinished run of the
newest year is compared with it:

* warm: the process parsed the files before (a TUI, or a CLI after its own read); target
  <= 1.5x and under 50 ms;
* cold: another process rewrote the files in between (the year's file and the index, when
  it folded their journals into them; a transition never writes the main file), so they
  must be parsed again, with what their journals hold; compared with the floor plus one
  json.loads of the year's data as one file. (Another process's transition only appends
  to the journals: this process then reads just that line.)

A transition usually goes to the journals beside the year's file and the index (see
store/storage.py); one in every few dozen folds them into their files. Both kinds are in
the samples; the median is the usual one, and the mean is printed beside it.

Two informative baselines: the floor plus an fsync of the folder (what a durable os.replace
needs: without it a crash can lose the rename), which every transition pays; and that plus
the index file written as plainly (dumps + write + replace, no fsync), the two files a
transition writes: what is left above it is soptrack's own work (lock, checks, domain rules,
hash chain, encoding).

The transition and its floors take turns, in alternating order (as bench_tui interleaves its
runs): a disk or a machine that is slower for a moment weighs on each alike. Before each
case, untimed: the floor re-reads the year as the transitions left it, and this process's
thread that frees replaced files is idle (a transition hands that freeing to it; a CLI
command waits for it at exit). Databases of 100 runs or fewer get --repeat-small repeats.

    python bench/bench_store.py            # a table
    python bench/bench_store.py --json     # rows for bench/run_all.py
    python bench/bench_store.py --sizes 10,100 --repeat 5
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from soptrack.sop.catalog import Catalog
from soptrack.sop.chain import seal
from soptrack.sop.model import Sop
from soptrack.sop.run import Action, Actor, Run, StepState, new_run, run_to_dict
from soptrack.sop.workflow import transition
from soptrack.store import Repository
from soptrack.store.storage import AtomicJSONStorage, forget, fsync_dir, journal_of, released

SOP_ID = "pengukuran-kinerja"
HISTORY_PER_RUN = 50  # 1,000 runs -> 13,000 steps and 50,000 history entries
YEARS = 10  # runs are spread evenly over the last YEARS years, the newest being this one


def _script() -> list[tuple[int, str, str]]:
    """One full pass through pengukuran-kinerja, with one return at the decision (step 9)."""
    seq: list[tuple[int, str, str]] = []
    for n in range(1, 14):
        seq.append((n, "start", ""))
        if n == 9:
            seq += [(9, "return", "perbaiki data"), (8, "start", ""), (8, "done", "")]
            seq += [(9, "start", ""), (9, "approve", "")]
        else:
            seq.append((n, "done", ""))
    return seq


SCRIPT = _script()


def year_of(i: int, n_runs: int, years: int = YEARS) -> int:
    """Run i of n_runs (1-based): the oldest runs in the oldest year, the newest this year."""
    return datetime.now().year - years + 1 + (i - 1) * years // max(n_runs, 1)


def newest_unfinished(n_runs: int) -> int:
    """The number of the newest run that stopped part-way (every fourth one does)."""
    return max(4, n_runs - n_runs % 4)


def build_runs(n_runs: int, history: int = HISTORY_PER_RUN, years: int = YEARS) -> list[Run]:
    """`n_runs` runs built in memory with the real workflow rules (no store involved),
    spread evenly over `years` years.

    Three runs in four go through the whole SOP (30 transitions), the fourth stops part-way;
    notes on various steps fill each history up to `history` entries.
    """
    sop = Catalog.load([]).get(SOP_ID)
    actor = Actor("budi", "sekretaris")
    runs = []
    for i in range(1, n_runs + 1):
        year = year_of(i, n_runs, years)
        now = datetime(year, 1, 5, 8, 0, tzinfo=timezone(timedelta(hours=8))) + timedelta(hours=i)
        run = new_run(
            f"{sop.code}-{i}",
            sop.id,
            [s.number for s in sop.steps],
            f"Run {i}",
            year,
            actor,
            now,
            1,
        )
        upto = len(SCRIPT) if i % 4 else 10 + i % 17
        for k in range(history):
            now += timedelta(minutes=7)
            if k < upto:
                number, action, note = SCRIPT[k]
            else:
                number, action, note = 1 + k % 13, "note", f"catatan {k} untuk run {i}"
            run = seal(transition(run, sop, action, number, actor, now, note=note))
        runs.append(run)
    return runs


def write_database(path: Path, runs: list[Run]) -> None:
    """All runs written in one go as soptrack 0.2 kept them (one file), following version 1
    of the shipped SOP as runs started by soptrack do, then split into the main file and the
    year files the way every such database is on its first use."""
    from tinydb.table import Document

    from soptrack.sop.versions import SHIPPED_BY, SopVersion
    from soptrack.store import catalog

    sop = Catalog.load([]).get(SOP_ID)
    text = Path(sop.source).read_text(encoding="utf-8")
    version = SopVersion(sop.id, 1, sop.code, text, SHIPPED_BY, datetime.now(UTC))
    repo = Repository(path)
    with repo.transaction() as db:
        catalog.insert(db, version)
        db.table("runs").insert_multiple(
            Document(run_to_dict(run), doc_id=i) for i, run in enumerate(runs, start=1)
        )
    repo.run_count()  # the split


def next_move(run: Run, sop: Sop) -> str:
    """A transition the rules accept now: start, done/approve, or undo once finished."""
    record = run.current
    if record is None:
        return "undo"
    if record.state is StepState.BERJALAN:
        return Action.APPROVE if sop.step(record.number).is_decision else Action.DONE
    return Action.START


def floor_write(path: Path, data: object) -> None:
    """The floor: json.dumps of the same data + write + fsync + os.replace."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    tmp = f"{path}.floor.tmp"
    with open(tmp, "wb") as handle:
        handle.write(payload)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


Case = tuple[Callable[[], object], Callable[[], None] | None]  # (timed, untimed before it)


def interleaved(cases: list[Case], repeat: int, means: list[float] | None = None) -> list[float]:
    """Median ms of each case, the cases taking turns (in alternating order) so that a
    disk or a machine that is slower for a moment weighs on each alike. Untimed before each
    case: its own preparation, and the wait for this process's replaced files to be freed
    (a thread does that after the write returns; it must not land in the next case)."""
    times: list[list[float]] = [[] for _ in cases]
    for i in range(repeat):
        for k in range(len(cases)) if i % 2 == 0 else reversed(range(len(cases))):
            timed, before = cases[k]
            released()
            if before is not None:
                before()
            t0 = time.perf_counter()
            timed()
            times[k].append(time.perf_counter() - t0)
    released()
    if means is not None:  # and each case's mean, when asked for
        means[:] = [statistics.fmean(t) * 1000 for t in times]
    return [statistics.median(t) * 1000 for t in times]


def bench_size(n_runs: int, repeat: int, workdir: Path) -> list[dict[str, object]]:
    from soptrack.services.core import Services

    db = workdir / f"db-{n_runs}.json"
    write_database(db, build_runs(n_runs))
    services = Services(db=db, user="bench", sop_dirs=[])
    sop = services.catalog.get(SOP_ID)
    number = newest_unfinished(n_runs)
    ref = f"{sop.code}-{number}"  # a run of the newest year that stopped part-way
    year_file = services.repo.year_path(year_of(number, n_runs))
    total_mb = sum(p.stat().st_size for p in services.repo.files()) / 1e6

    def act() -> None:
        run = services.repo.get_run(ref)
        move = next_move(run, sop)
        if move == "undo":
            services.undo(ref)
        else:
            services.act(ref, run.current.number, move)  # type: ignore[union-attr]

    def act_only() -> None:
        move = moves.pop()
        if move[1] == "undo":
            services.undo(ref)
        else:
            services.act(ref, move[0], move[1])

    def plan(count: int) -> list[tuple[int, str]]:
        """The next `count` moves, computed outside the timing, newest last (pop order)."""
        run = services.repo.get_run(ref)
        office = services.office()
        actor = services.actor(office)
        out = []
        for _ in range(count):
            move = next_move(run, sop)
            if move == "undo":
                from soptrack.sop.workflow import undo

                run = undo(run, actor, services.clock())
                out.append((0, "undo"))
            else:
                number = run.current.number  # type: ignore[union-attr]
                run = transition(run, sop, move, number, actor, services.clock())
                out.append((number, move))
        return out[::-1]

    act()  # warm the cache and the catalog
    floor_path = workdir / f"floor-{n_runs}.json"
    year_data: list[object] = []

    loaded_size = [0]

    def load_year() -> None:
        """The floor writes the year as the transitions left it (each adds an entry): read
        again once it has grown by 1% (at 10 runs every other transition, at 2,000 never);
        and the index, for the floor of both files. Parsed as the store parses (collector
        paused, the objects then moved to the oldest generation), so that no collection of
        a megabytes-large parse lands in the floor's time."""
        files = (year_file, Path(journal_of(str(year_file))))
        size = sum(p.stat().st_size for p in files if p.exists())
        if year_data and size <= loaded_size[0] * 1.01:
            return
        loaded_size[0] = size
        year_data.clear()
        gc.disable()
        try:
            for path in (year_file, services.repo.index_path):
                # what the file holds with its journal: the current year's data
                year_data.append(AtomicJSONStorage(str(path)).read_afresh())
            gc.freeze()
            gc.unfreeze()
        finally:
            gc.enable()

    def floor() -> None:
        floor_write(floor_path, year_data[0])

    def durable_floor() -> None:
        floor_write(floor_path, year_data[0])
        fsync_dir(str(workdir))

    index_floor = workdir / f"floor-{n_runs}.index.json"

    def both_files() -> None:
        """What a transition writes, as plainly as it can be written: the year durably, then
        the index (dumps + write + replace, no fsync: derived data)."""
        durable_floor()
        payload = json.dumps(year_data[1], ensure_ascii=False, separators=(",", ":")).encode()
        tmp = f"{index_floor}.tmp"
        with open(tmp, "wb") as handle:
            handle.write(payload)
        os.replace(tmp, index_floor)

    moves = plan(repeat)
    means: list[float] = []
    folds = [0]  # transitions that wrote the year's file whole (its journal folded into it)
    whole_write = AtomicJSONStorage._write_atomically

    def counted(store: AtomicJSONStorage, *args: object, **kw: object) -> None:
        if store.path == str(year_file):
            folds[0] += 1
        whole_write(store, *args, **kw)  # type: ignore[arg-type]

    AtomicJSONStorage._write_atomically = counted  # type: ignore[method-assign]
    warm, floor_ms, floor_durable, floor_both = interleaved(
        [
            (act_only, None),
            (floor, load_year),
            (durable_floor, load_year),
            (both_files, load_year),
        ],
        repeat,
        means,
    )
    AtomicJSONStorage._write_atomically = whole_write  # type: ignore[method-assign]

    def cold() -> None:
        for path in (year_file, services.repo.index_path):
            forget(str(path))  # as if another process's transition had rewritten them
        act_only()

    def loads_floor() -> None:
        gc.disable()  # the best json.loads can do: no collections during the parse
        try:
            with open(floor_path, "rb") as handle:  # the year's data as one file
                json.loads(handle.read())
        finally:
            gc.enable()
        floor()

    moves = plan(repeat)
    cold_ms, floor_cold = interleaved([(cold, None), (loads_floor, load_year)], repeat)

    # the earlier table's baseline: the floor of writing the whole database as one file
    everything: dict[str, object] = {}
    for path in services.repo.files()[1:]:
        everything.update((AtomicJSONStorage(str(path)).read_afresh() or {}).get("runs", {}))
    whole_path = workdir / f"whole-{n_runs}.json"
    whole = {"runs": everything}
    floor_whole = median_ms(lambda: floor_write(whole_path, whole), repeat)
    del everything
    year_mb = floor_path.stat().st_size / 1e6  # the year's data as one file
    year_size = f"{year_mb:.1f} MB" if year_mb >= 1 else f"{year_mb * 1000:.0f} KB"
    label = f"{n_runs:,} runs, {total_mb:.1f} MB; year {year_size}"
    return [
        {
            "bench": "store",
            "what": f"transition, warm cache ({label})",
            "ms": warm,
            "baseline": "floor of the year: dumps+write+fsync+replace",
            "baseline_ms": floor_ms,
            "target": 1.5,
            "limit_ms": 50 if n_runs >= 2000 else None,
        },
        {
            "bench": "store",
            "what": f"transition, warm cache ({label})",
            "ms": warm,
            "baseline": "floor of the year + folder fsync (durable)",
            "baseline_ms": floor_durable,
            "target": None,
        },
        {
            "bench": "store",
            "what": f"transition, warm cache ({label})",
            "ms": warm,
            "baseline": "durable floor + the index file (both files, plainly)",
            "baseline_ms": floor_both,
            "target": None,
        },
        {
            "bench": "store",
            "what": f"transition, warm cache ({label})",
            "ms": warm,
            "baseline": "floor of all runs as one file (0.2's baseline)",
            "baseline_ms": floor_whole,
            "target": None,
        },
        {
            "bench": "store",
            "what": f"transition, warm, mean: {folds[0]} folds in {repeat} ({label})",
            "ms": means[0],
            "baseline": "floor of the year (mean)",
            "baseline_ms": means[1],
            "target": None,
        },
        {
            "bench": "store",
            "what": f"transition, cold cache ({label})",
            "ms": cold_ms,
            "baseline": "floor of the year + its json.loads (gc off)",
            "baseline_ms": floor_cold,
            "target": 1.5,
        },
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print rows as JSON")
    parser.add_argument("--sizes", default="10,1000,2000")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--repeat-small",
        type=int,
        default=41,
        help="repeats for databases of 100 runs or fewer (a transition of 2 ms is noisy)",
    )
    parser.add_argument("--dir", default=None, help="where to write (default: the temp dir)")
    parser.add_argument("--quick", action="store_true", help="3 repeats, 10 and 400 runs")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeat = args.repeat_small = 3
        args.sizes = "10,400"
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="soptrack-bench-", dir=args.dir) as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            repeat = args.repeat_small if size <= 100 else args.repeat
            rows += bench_size(size, repeat, Path(tmp))
    if args.json:
        print(json.dumps(rows))
    else:
        sys.path.insert(0, str(Path(__file__).parent))
        from run_all import print_table

        print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
