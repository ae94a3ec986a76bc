"""The history as a hash chain: every entry sealed, a hand edit found by doctor."""

from __future__ import annotations

import json
from pathlib import Path

from soptrack.services.core import Services
from soptrack.sop import chain
from soptrack.sop.run import run_to_dict


def _worked(db_path: Path, clock) -> Services:
    services = Services(db_path, clock=clock, user="budi", sop_dirs=[])
    run = services.new_run("pengukuran-kinerja", "PK", 2026)
    for number in (1, 2):
        services.act(run.id, number, "start")
        clock.advance(minutes=10)
        services.act(run.id, number, "done")
    services.act(run.id, 3, "note", "catatan")
    services.undo(run.id)
    services.fold_journals()  # at rest, as when the TUI closes: the year file says all
    return services


def _edit(db_path: Path, change) -> None:
    year_file = db_path.with_name(f"{db_path.stem}.2026.json")  # the run's year file
    data = json.loads(year_file.read_text())
    change(data["runs"]["1"])
    year_file.write_text(json.dumps(data))


def test_every_entry_is_sealed_and_the_chain_holds(db_path: Path, clock) -> None:
    services = _worked(db_path, clock)
    doc = json.loads(db_path.with_name(f"{db_path.stem}.2026.json").read_text())["runs"]["1"]
    hashes = [entry["hash"] for entry in doc["history"]]
    assert len(hashes) == 6 and len(set(hashes)) == 6
    assert all(len(h) == 64 for h in hashes)
    assert chain.first_broken(doc) is None
    assert services.chain_problems() == []
    run = services.repo.get_run("pk-1")
    assert chain.first_broken(run_to_dict(run)) is None  # the loaded run round-trips
    assert services.status(run).warnings == ()


def test_a_hand_edited_entry_is_named_by_doctor(db_path: Path, clock, cli) -> None:
    _worked(db_path, clock)
    assert cli("doctor").returncode == 0

    def forge(doc: dict) -> None:
        doc["history"][1]["user"] = "kadis"  # who finished step 1, rewritten by hand

    _edit(db_path, forge)
    result = cli("doctor")
    assert result.returncode == 2
    assert "pk-1" in result.stdout and "entri #2" in result.stdout
    assert "rantai hash" in result.stdout
    # the run still opens, with the warning
    status = cli("status", "pk-1")
    assert status.returncode == 0 and "PERINGATAN" in status.stdout
    data = json.loads(cli("runs", "--json", check=True).stdout)
    assert data[0]["id"] == "pk-1"


def test_a_removed_or_reordered_entry_breaks_the_chain(db_path: Path, clock) -> None:
    _worked(db_path, clock)
    doc = json.loads(db_path.with_name(f"{db_path.stem}.2026.json").read_text())["runs"]["1"]
    removed = dict(doc, history=doc["history"][:2] + doc["history"][3:])
    assert chain.first_broken(removed)[0] == 4
    swapped = dict(doc, history=[doc["history"][1], doc["history"][0], *doc["history"][2:]])
    assert chain.first_broken(swapped)[0] == 2


def test_a_step_record_changed_behind_the_history_is_found(db_path: Path, clock) -> None:
    services = _worked(db_path, clock)

    def forge(doc: dict) -> None:
        doc["steps"][2]["state"] = "selesai"

    _edit(db_path, forge)
    problems = services.chain_problems()
    assert len(problems) == 1 and "langkah run diubah" in problems[0]


def test_writes_after_a_forgery_keep_it_visible(db_path: Path, clock) -> None:
    services = _worked(db_path, clock)
    _edit(db_path, lambda doc: doc["history"][0].update(note="disisipkan"))
    services.act("pk-1", 3, "start")
    problems = services.chain_problems()
    assert len(problems) == 1 and "entri #1" in problems[0]


def test_a_write_over_an_edited_step_record_is_refused_and_the_edit_stays_visible(
    db_path: Path, clock, cli
) -> None:
    """The entry a write appends seals the steps as they are: writing over a hand edit of
    a step record would make the chain whole again and hide the edit from doctor. The
    write is refused (one line, exit 2), the file is left as it was, doctor still names it."""
    _worked(db_path, clock)
    year_file = db_path.with_name(f"{db_path.stem}.2026.json")
    _edit(db_path, lambda doc: doc["steps"][0].update(user="pak_bupati"))
    before = year_file.read_bytes()
    for args in (("step", "pk-1", "3", "start"), ("step", "pk-1", "3", "note", "--note", "x")):
        result = cli(*args)
        assert result.returncode == 2, result
        err = result.stderr.strip()
        assert "\n" not in err and "Traceback" not in err
        assert "pk-1 diubah di luar soptrack" in err and "soptrack restore" in err
    assert cli("undo", "pk-1").returncode == 2
    assert year_file.read_bytes() == before
    doctor = cli("doctor")
    assert doctor.returncode == 2 and "langkah run diubah" in doctor.stdout


def test_doctor_names_a_broken_chain_beside_a_file_problem(db_path: Path, clock, cli) -> None:
    """A problem with the files (here a regular file where the backups folder goes) must not
    hide an edited run: doctor stopped after the files' report."""
    _worked(db_path, clock)
    backups_dir = db_path.with_name(db_path.name + ".backups")
    for child in backups_dir.iterdir():
        child.unlink()
    backups_dir.rmdir()
    backups_dir.write_text("bukan folder")
    _edit(db_path, lambda doc: doc["history"][1].update(user="kadis"))
    result = cli("doctor")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "bukan folder" in result.stdout
    assert "MASALAH: riwayat run pk-1" in result.stdout and "entri #2" in result.stdout


def test_the_state_digest_built_from_cached_records_is_the_canonical_one(
    db_path: Path, clock
) -> None:
    """run_state_digest joins each record's cached canonical bytes: it must stay the digest
    of canonical() over the whole state (stored chains are checked against that form), for
    a finished run with revisions and notes in any script, and for one part-way."""
    services = Services(db_path, clock=clock, user="budi", sop_dirs=[])
    run = services.new_run("pengukuran-kinerja", "PK", 2026)
    services.act(run.id, 1, "start")
    services.act(run.id, 1, "note", 'catatan "kutip" \\ é ñ 漢字 🙂')
    part_way = services.repo.get_run(run.id)
    sop = services.catalog.get("pengukuran-kinerja")
    for step in sop.steps:
        if step.number > 1:
            services.act(run.id, step.number, "start")
        services.act(run.id, step.number, "approve" if step.is_decision else "done")
        clock.advance(minutes=5)
    finished = services.repo.get_run(run.id)
    assert finished.finished_at is not None and part_way.finished_at is None
    for each in (part_way, finished, finished):  # the second time from the cache
        doc = run_to_dict(each)
        whole = chain.state_digest(doc["steps"], doc["revisions"], doc["finished_at"])
        assert chain.run_state_digest(each) == whole
        assert each.history[-1].state == chain.run_state_digest(each)
