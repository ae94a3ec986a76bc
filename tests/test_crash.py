"""A writer killed with SIGKILL at random moments, 200 times.

A child process loops writing (transitions, notes, new runs) and reports each acknowledged
write through a pipe, after the call returned; the parent kills it after a random short delay.
After every kill the database must load, every history must be complete (seq 1..n), and every
write acknowledged before the kill must be there. Temporary files a killed writer leaves
behind are removed by a later write.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from soptrack.services.core import Services
from soptrack.sop.run import Action, StepState
from soptrack.store import Repository
from soptrack.store.storage import forget

SOP_ID = "pengukuran-kinerja"
KILLS = 200


def writer(db: Path, report_fd: int, seed: int) -> None:
    """Runs in the forked child until killed: write, then report the write as acknowledged."""
    services = Services(db=db, user=f"child{seed}", sop_dirs=[])
    sop = services.catalog.get(SOP_ID)
    os.write(report_fd, b"ready\n")
    rng = random.Random(seed)
    runs = services.repo.list_runs()
    run = next((r for r in runs if not r.finished), None)
    while True:
        if run is None or run.finished:
            run = services.new_run(SOP_ID, f"crash {seed}", 2026)
            os.write(report_fd, f"new {run.id}\n".encode())
            continue
        record = run.current
        assert record is not None
        if rng.random() < 0.3:
            run = services.act(run.id, record.number, Action.NOTE, f"n{seed}-{rng.random()}")
        elif record.state is StepState.BERJALAN:
            decision = sop.step(record.number).is_decision
            run = services.act(run.id, record.number, "approve" if decision else "done")
        else:
            run = services.act(run.id, record.number, "start")
        os.write(report_fd, f"ack {run.id} {run.history[-1].seq}\n".encode())


def spawn_and_kill(db: Path, seed: int, delay: float, acks: int = 0) -> list[str]:
    """Kill the writer `delay` seconds after it acknowledged `acks` writes: the count of
    writes is a condition, not a time, so a slow machine still writes enough."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never return into pytest
        try:
            os.close(read_end)
            writer(db, write_end, seed)
        finally:
            os._exit(1)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        assert pipe.readline() == b"ready\n"
        seen: list[bytes] = []
        while sum(line.startswith(b"ack") for line in seen) < acks:
            line = pipe.readline()
            assert line, "the writer died by itself"
            seen.append(line)
        time.sleep(delay)
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status), "the writer stopped by itself: it failed"
        return (b"".join(seen) + pipe.read()).decode().splitlines()


@pytest.mark.slow
def test_sigkill_never_loses_an_acknowledged_write(tmp_path, monkeypatch):
    db = tmp_path / "kantor.json"
    Services(db=db, user="kepala", sop_dirs=[]).new_run(SOP_ID, "awal", 2026)
    rng = random.Random(20260105)
    acked: dict[str, int] = {}  # run id -> highest acknowledged seq
    created: set[str] = {"pk-1"}
    stale_seen = 0
    writes = 0
    for kill in range(KILLS):
        lines = spawn_and_kill(db, kill, rng.uniform(0.0, 0.05), acks=rng.randint(1, 2))
        for line in lines:
            kind, run_id, *rest = line.split()
            if kind == "new":
                created.add(run_id)
            else:
                acked[run_id] = max(acked.get(run_id, 0), int(rest[0]))
                writes += 1
        forget(str(db))  # read the file as a new process would
        runs = {r.id: r for r in Repository(db).list_runs()}  # always loads
        assert created <= set(runs), f"kill {kill}: a created run is missing"
        for run_id, seq in acked.items():
            history = runs[run_id].history
            assert len(history) >= seq, f"kill {kill}: {run_id} lost acknowledged #{seq}"
        for run in runs.values():
            assert [e.seq for e in run.history] == list(range(1, len(run.history) + 1))
        stale_seen = max(stale_seen, len(list(tmp_path.glob(".kantor.json.*.tmp"))))
    assert writes > KILLS, "the writer hardly wrote: the test proves nothing"
    print(f"\n{KILLS} kills, {writes} acknowledged writes, up to {stale_seen} stale temp files")

    # the next write removes what killed writers left behind
    Services(db=db, user="kepala", sop_dirs=[]).act("pk-1", 1, "note", "after the crashes")
    assert list(tmp_path.glob(".kantor.json.*.tmp")) == []
    proc = subprocess.run(
        [sys.executable, "-m", "soptrack", "doctor", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
