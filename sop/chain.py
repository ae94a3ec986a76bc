"""A run's history as a hash chain: an entry edited outside soptrack shows.

Each entry carries `hash` = sha256 of the canonical JSON of the entry (without its hash),
the previous entry's hash, and - as `state` - a digest of the run's steps right after the
entry. Changing, reordering or removing an entry in the file, or changing a step record
behind the last entry, breaks the chain from that point on; `doctor` names the first entry
that no longer matches.

This is tamper evidence, not a lock: whoever can write the database can also recompute the
hashes. It stops mistakes and hand edits and makes quiet rewriting of history deliberate work.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from soptrack.sop.errors import BadInput
from soptrack.sop.memo import ByIdentity
from soptrack.sop.run import Run, StepRecord, entry_to_dict, record_to_dict

HASH = "hash"
STATE = "state"


def canonical(value: Any) -> bytes:
    """One byte string per value: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _sha(data: bytes) -> str:
    import hashlib  # OpenSSL's loading (~2 ms) waits until a hash is wanted, not at start

    return hashlib.sha256(data).hexdigest()


def state_digest(steps: Sequence[Mapping[str, Any]], revisions: int, finished_at: Any) -> str:
    """What the run looks like after an entry: its step records, revisions, end time."""
    return _sha(
        canonical({"steps": list(steps), "revisions": revisions, "finished_at": finished_at})
    )


def entry_hash(entry: Mapping[str, Any], previous: str) -> str:
    body = {k: v for k, v in entry.items() if k != HASH}
    return _sha(canonical({"previous": previous, "entry": body}))


def seal(run: Run) -> Run:
    """Give every entry without a hash (the ones just appended) its place in the chain."""
    if all(entry.hash for entry in run.history):
        return run
    run_state = run_state_digest(run)
    previous = ""
    entries = []
    last = len(run.history) - 1
    for index, entry in enumerate(run.history):
        if not entry.hash:
            # only the newest entry knows the state after it; an older unsealed one (a
            # database from before the chain) is sealed without
            state = run_state if index == last else ""
            entry = replace(entry, state=state)
            entry = replace(entry, hash=entry_hash(entry_to_dict(entry), previous))
        entries.append(entry)
        previous = entry.hash
    return replace(run, history=tuple(entries))


def run_state_digest(run: Run) -> str:
    """state_digest() of the run, built from each step record's canonical bytes: the same
    bytes as canonical() of the whole (keys sorted: finished_at, revisions, steps), with
    the records a transition left unchanged (the same objects) not encoded again."""
    finished_at = run.finished_at.isoformat(timespec="seconds") if run.finished_at else None
    steps = b",".join(_canonical_record(r) for r in run.steps)
    head = b'{"finished_at":%s,"revisions":%s,"steps":[' % (
        canonical(finished_at),
        canonical(run.revisions),
    )
    return _sha(head + steps + b"]}")


# each step record's canonical bytes, once per record object (sop/memo.py)
_canonical_record: ByIdentity[StepRecord, bytes] = ByIdentity(
    lambda record: canonical(record_to_dict(record))
)


def seal_document(doc: dict[str, Any]) -> dict[str, Any]:
    """seal() for a stored run document (the schema migration works on plain data)."""
    previous = ""
    history = doc.get("history") or []
    if not isinstance(history, list):
        return doc  # a damaged run: left as it is, for the store to report
    for entry in history:
        if not isinstance(entry, dict):
            return doc
        if not entry.get(HASH):
            entry[HASH] = entry_hash(entry, previous)
        previous = str(entry[HASH])
    return doc


def first_broken(doc: Mapping[str, Any]) -> tuple[int, str] | None:
    """The first history entry (seq, why) of a stored run that does not match, or None."""
    previous = ""
    history = doc.get("history") or []
    if not isinstance(history, list):
        return 1, "riwayat bukan daftar"
    for index, entry in enumerate(history):
        seq = entry.get("seq", index + 1) if isinstance(entry, Mapping) else index + 1
        if not isinstance(entry, Mapping) or not entry.get(HASH):
            return seq, "tanpa hash"
        if entry_hash(entry, previous) != entry[HASH]:
            return seq, "isinya tidak cocok dengan hash-nya"
        previous = entry[HASH]
    if history:
        last = history[-1]
        if last.get(STATE):
            steps = doc.get("steps", [])
            now = (
                state_digest(steps, doc.get("revisions", 0), doc.get("finished_at"))
                if isinstance(steps, list)
                else None
            )
            if now != last[STATE]:
                return last.get("seq", len(history)), "langkah run diubah sesudah entri ini"
    return None


def changed_since_sealed(run: Run) -> int | None:
    """The seq of the newest entry when the run's steps are no longer those it sealed (a
    hand edit of the file), else None. A write checks this first: the entry it appends
    seals the steps as they are, so writing over an edit would make the chain whole again
    and hide the edit from `doctor`. An edited entry itself stays visible (its own hash),
    so the newest state is the one check a write needs, and it costs one digest."""
    if not run.history or not run.history[-1].state:  # none, or from before the chain
        return None
    last = run.history[-1]
    return last.seq if run_state_digest(run) != last.state else None


def check_sealed(run: Run) -> None:
    """Refuse a write over a hand edit (changed_since_sealed): the edit stays for `doctor`
    to name and for a restore to undo."""
    seq = changed_since_sealed(run)
    if seq is not None:
        raise BadInput(
            f"run {run.id} diubah di luar soptrack: langkahnya tidak cocok dengan entri #{seq} "
            "riwayatnya; tidak diubah. periksa: soptrack doctor; pulihkan: soptrack restore"
        )


def describe(run_id: str, broken: tuple[int, str]) -> str:
    seq, why = broken
    return (
        f"riwayat run {run_id} diubah di luar soptrack: entri #{seq} {why} "
        "(rantai hash putus; pulihkan cadangan sebelum perubahan itu: soptrack restore)"
    )
