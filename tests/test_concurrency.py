"""Several people writing one database at once: no acknowledged write is ever lost.

4 processes x 250 operations (transitions, notes, new runs) through the application service
(`soptrack.services.core.Services`), each on its own runs and all on one shared run, while CLI
processes add notes to the shared run and read it. Afterwards every acknowledged write is in the
file, every run's history is complete and in order (seq 1..n), replaying the history reproduces
the stored steps, run ids are unique, and nothing printed a traceback.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import threading
import traceback
from datetime import UTC
from pathlib import Path

import pytest
from filelock import FileLock

from soptrack.services.core import Services
from soptrack.sop.catalog import Catalog
from soptrack.sop.errors import RuleViolation, SoptrackError
from soptrack.sop.model import Sop
from soptrack.sop.run import (
    Action,
    Actor,
    Run,
    StepState,
    new_run,
    record_to_dict,
    run_from_dict,
)
from soptrack.sop.workflow import transition, undo
from soptrack.store import Repository, StoreBusy
from soptrack.store.storage import forget

CLI = [sys.executable, "-m", "soptrack"]
SOP_ID = "pengukuran-kinerja"
WORKERS = 4
OPS = 250


def next_move(run: Run, sop: Sop) -> str | None:
    record = run.current
    if record is None:
        return None
    if record.state is StepState.BERJALAN:
        return Action.APPROVE if sop.step(record.number).is_decision else Action.DONE
    return Action.START


def ack(run: Run) -> list:
    entry = run.history[-1]
    return [run.id, entry.seq, entry.action.value, entry.step, entry.note, entry.user]


def retrying(call, stats: dict[str, int]):
    """The Python API reports a busy database as StoreBusy; a caller may retry it."""
    for _ in range(20):
        try:
            return call()
        except StoreBusy:
            stats["busy"] += 1
    raise AssertionError("database busy 20 times in a row")


def worker(db: str, wid: int, ops: int, shared: str, out: str) -> None:
    result: dict = {"acks": [], "created": [], "refused": 0, "errors": []}
    stats = {"busy": 0}
    try:
        services = Services(db=db, user=f"w{wid}", sop_dirs=[])
        sop = services.catalog.get(SOP_ID)
        own: Run | None = None
        for i in range(ops):
            try:
                if i % 5 == 4:  # a note on the shared run
                    step = 1 + (i // 5) % 13
                    text = f"w{wid}-{i}"
                    run = retrying(lambda s=step, t=text: services.act(shared, s, "note", t), stats)
                    result["acks"].append(ack(run))
                elif i % 10 == 7:  # a transition on the shared run: others race for it
                    current = services.repo.get_run(shared)
                    move = next_move(current, sop)
                    if move is None:
                        run = retrying(lambda: services.undo(shared), stats)
                    else:
                        number = current.current.number  # type: ignore[union-attr]
                        run = retrying(lambda n=number, m=move: services.act(shared, n, m), stats)
                    result["acks"].append(ack(run))
                elif own is None or own.finished:
                    own = retrying(
                        lambda t=f"Run w{wid} #{i}": services.new_run(SOP_ID, t, 2026), stats
                    )
                    result["created"].append(own.id)
                elif i % 5 == 2:  # a note on our own run
                    number = own.current.number  # type: ignore[union-attr]
                    own = retrying(
                        lambda r=own.id, n=number, t=f"own-{wid}-{i}": services.act(
                            r, n, "note", t
                        ),
                        stats,
                    )
                    result["acks"].append(ack(own))
                else:
                    move = next_move(own, sop)
                    number = own.current.number  # type: ignore[union-attr]
                    own = retrying(lambda r=own.id, n=number, m=move: services.act(r, n, m), stats)
                    result["acks"].append(ack(own))
            except RuleViolation:
                result["refused"] += 1  # another worker moved the shared run first
            except SoptrackError as exc:
                result["errors"].append(f"op {i}: {type(exc).__name__}: {exc}")
    except BaseException:
        result["errors"].append(traceback.format_exc())
    result["busy"] = stats["busy"]
    Path(out).write_text(json.dumps(result))


def cli_notes(db: Path, shared: str, tag: str, count: int, results: list) -> None:
    env = dict(os.environ)
    env.pop("SOPTRACK_DB", None)
    for j in range(count):
        text = f"cli-{tag}-{j}"
        args = ["step", shared, str(1 + j % 13), "note", "--note", text]
        if j % 4 == 3:
            args = ["status", shared, "--json"]
        proc = subprocess.run(
            [*CLI, *args, "--db", str(db)], env=env, capture_output=True, text=True, timeout=120
        )
        results.append((args, proc.returncode, proc.stdout, proc.stderr, text))


def replay(run: Run, sop: Sop) -> Run:
    """Rebuild a run from its history alone, with the real rules."""
    rebuilt = new_run(
        run.id,
        run.sop_id,
        [s.number for s in sop.steps],
        run.title,
        run.year,
        Actor(run.created_by),
        run.created_at,
    )
    for entry in run.history:
        actor = Actor(entry.user, entry.role)
        if entry.action is Action.UNDO:
            rebuilt = undo(rebuilt, actor, entry.at)
        else:
            rebuilt = transition(
                rebuilt, sop, entry.action, entry.step, actor, entry.at, note=entry.note
            )
        assert rebuilt.history[-1].seq == entry.seq
    return rebuilt


def check_database(db: Path, acks: list[list], created: list[str], sop: Sop) -> dict[str, Run]:
    forget(str(db))
    runs = {run.id: run for run in Repository(db).list_runs()}
    # every acknowledged write is there, exactly as acknowledged
    for run_id, seq, action, step, note, user in acks:
        entry = runs[run_id].history[seq - 1]
        assert (entry.seq, entry.action.value, entry.step, entry.note, entry.user) == (
            seq,
            action,
            step,
            note,
            user,
        ), f"{run_id} #{seq}"
    # histories complete, in order, and nothing in them that nobody acknowledged
    in_file = set()
    for run in runs.values():
        assert [e.seq for e in run.history] == list(range(1, len(run.history) + 1)), run.id
        in_file |= {(run.id, e.seq) for e in run.history}
        rebuilt = replay(run, sop)
        assert [record_to_dict(r) for r in rebuilt.steps] == [
            record_to_dict(r) for r in run.steps
        ], f"{run.id}: steps differ from what its history says"
    assert in_file == {(a[0], a[1]) for a in acks}
    # run ids unique, every created run present
    assert len(created) == len(set(created))
    assert set(created) <= set(runs)
    return runs


@pytest.mark.slow
def test_four_writers_and_cli_on_one_database(tmp_path):
    db = tmp_path / "kantor.json"
    parent = Services(db=db, user="kepala", sop_dirs=[])
    shared = parent.new_run(SOP_ID, "Run bersama", 2026).id
    ctx = multiprocessing.get_context("fork")
    procs = []
    for wid in range(WORKERS):
        out = tmp_path / f"w{wid}.json"
        procs.append((ctx.Process(target=worker, args=(str(db), wid, OPS, shared, str(out))), out))
    cli_results: list = []
    threads = [
        threading.Thread(target=cli_notes, args=(db, shared, tag, 16, cli_results))
        for tag in ("a", "b")
    ]
    for proc, _ in procs:
        proc.start()
    for thread in threads:
        thread.start()
    for proc, _ in procs:
        proc.join(timeout=600)
        assert proc.exitcode == 0
    for thread in threads:
        thread.join(timeout=600)

    acks: list[list] = []
    created = [shared]
    refused = busy = 0
    for _, out in procs:
        result = json.loads(out.read_text())
        assert result["errors"] == []
        acks += result["acks"]
        created += result["created"]
        refused += result["refused"]
        busy += result["busy"]
    for args, code, stdout, stderr, text in cli_results:
        assert "Traceback" not in stderr, stderr
        if code == 3:
            assert stderr.count("\n") == 1 and "database busy" in stderr
            continue
        assert code == 0, (args, code, stderr)
        if args[0] == "step":
            entry = json.loads(
                subprocess.run(
                    [*CLI, "history", shared, "--json", "--db", str(db)],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
            )
            assert any(e["note"] == text for e in entry)
        else:
            assert json.loads(stdout)["id"] == shared  # a reader always sees a whole file
    cli_notes_acked = [r for r in cli_results if r[0][0] == "step" and r[1] == 0]
    sop = Catalog.load([]).get(SOP_ID)
    forget(str(db))
    runs = {r.id: r for r in Repository(db).list_runs()}
    for args, _, _, _, text in cli_notes_acked:
        matches = [e for e in runs[shared].history if e.note == text and e.action is Action.NOTE]
        assert len(matches) == 1
        acks.append([shared, matches[0].seq, "note", int(args[2]), text, matches[0].user])
    runs = check_database(db, acks, created, sop)
    assert len(acks) >= WORKERS * OPS - refused - len(created) - 10
    assert sum(len(r.history) for r in runs.values()) == len(acks)
    print(f"\n{len(acks)} writes acknowledged, {refused} refused by a rule, {busy} busy retries")


def test_busy_is_a_clear_store_busy(tmp_path):
    db = tmp_path / "kantor.json"
    Services(db=db, user="budi", sop_dirs=[]).new_run(SOP_ID, "T", 2026)
    repo = Repository(db, lock_timeout=0.2)
    with FileLock(str(db) + ".lock"), pytest.raises(StoreBusy) as info:
        repo.update_run("pk-1", lambda run: run)
    message = str(info.value)
    assert info.value.exit_code == 3
    assert "database busy" in message and str(db) in message and "\n" not in message


@pytest.mark.slow
def test_busy_cli_exits_3_with_one_line(tmp_path):
    db = tmp_path / "kantor.json"
    Services(db=db, user="budi", sop_dirs=[]).new_run(SOP_ID, "T", 2026)
    before = db.read_bytes()
    with FileLock(str(db) + ".lock"):  # someone holds the database for longer than 10 s
        proc = subprocess.run(
            [*CLI, "step", "pk-1", "1", "start", "--db", str(db)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        reader = subprocess.run(
            [*CLI, "status", "pk-1", "--json", "--db", str(db)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1
    assert "database busy" in proc.stderr and str(db) in proc.stderr
    assert db.read_bytes() == before
    assert reader.returncode == 0  # reads take no lock


def test_lost_update_is_impossible_even_with_a_stale_in_process_cache(tmp_path):
    """Two Services in one process, interleaved: each write re-reads under the lock."""
    db = tmp_path / "kantor.json"
    a = Services(db=db, user="a", sop_dirs=[])
    b = Services(db=db, user="b", sop_dirs=[])
    a.new_run(SOP_ID, "T", 2026)
    for i in range(20):
        (a if i % 2 else b).act("pk-1", 1 + i % 13, "note", f"n{i}")
    forget(str(db))
    history = Repository(db).get_run("pk-1").history
    assert [e.note for e in history] == [f"n{i}" for i in range(20)]
    assert [e.user for e in history] == ["b", "a"] * 10


def test_history_times_follow_seq_when_a_writer_waits(tmp_path):
    import time

    db = tmp_path / "kantor.json"
    a = Services(db=db, user="a", sop_dirs=[])
    b = Services(db=db, user="b", sop_dirs=[])
    a.new_run(SOP_ID, "T", 2026)
    with a.repo.transaction_lock():  # a holds the database (reentrant for a's thread)
        waiting = threading.Thread(target=lambda: b.act("pk-1", 1, "note", "b waited"))
        waiting.start()  # b reads its clock now, then waits for the lock
        time.sleep(1.2)
        a.act("pk-1", 1, "note", "a wrote meanwhile")
    waiting.join()
    forget(str(db))
    history = Repository(db).get_run("pk-1").history
    assert [e.note for e in history] == ["a wrote meanwhile", "b waited"]
    assert history[0].at <= history[1].at


def test_run_from_dict_roundtrip_used_by_checks():
    """The checker above rebuilds runs from the stored dicts: make sure that is faithful."""
    sop = Catalog.load([]).get(SOP_ID)
    actor = Actor("x", "kadis")
    from datetime import datetime

    now = datetime(2026, 1, 5, 9, tzinfo=UTC)
    run = new_run("pk-1", sop.id, [s.number for s in sop.steps], "T", 2026, actor, now)
    run = transition(run, sop, "start", 1, actor, now)
    from soptrack.sop.run import run_to_dict

    assert replay(run_from_dict(run_to_dict(run)), sop).steps == run.steps
