"""One catalog per database: SOPs stored as versions, runs keep the version they began with."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from soptrack.services.core import Services
from soptrack.sop.catalog import SHIPPED_DIR
from soptrack.sop.errors import BadInput, RuleViolation
from soptrack.store import backups, schema, storage

PK_TEXT = (SHIPPED_DIR / "pengukuran-kinerja.toml").read_text()
# the same SOP with step 1 moved from the Kepala Dinas to the Sekretaris, and 5 minutes
CHANGED = PK_TEXT.replace('pelaksana = ["kadis"]', 'pelaksana = ["sekretaris"]', 1).replace(
    'waktu = "15 Menit"', 'waktu = "5 Menit"', 1
)
KUNJUNGAN = PK_TEXT.replace('id = "pengukuran-kinerja"', 'id = "kunjungan"').replace(
    'code = "pk"', 'code = "kj"'
)


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def services(db: Path, clock, user: str = "admin") -> Services:
    return Services(db, clock=clock, user=user, sop_dirs=[])


def test_shipped_sop_is_stored_with_its_first_run(db_path: Path, clock) -> None:
    s = services(db_path, clock)
    assert s.current_version("pengukuran-kinerja").version == 0  # a default, not stored yet
    run = s.new_run("pengukuran-kinerja", "PK", 2026)
    assert run.sop_version == 1
    [stored] = s.repo.sop_versions()
    assert stored.shipped and stored.text == PK_TEXT and stored.by == "soptrack (bawaan)"
    assert s.new_run("pk", "PK 2", 2026).sop_version == 1  # same text: same version


def test_replacing_needs_the_flag_names_the_runs_and_never_touches_them(
    db_path: Path, clock, tmp_path: Path, cli
) -> None:
    s = services(db_path, clock)
    old = s.new_run("pengukuran-kinerja", "PK lama", 2026)
    s.act(old.id, 1, "start")
    draft = write(tmp_path / "pk.toml", CHANGED)
    refused = cli("sop", "add", str(draft))
    assert refused.returncode == 2 and "--replace" in refused.stderr and "pk-1" in refused.stderr
    out = cli("sop", "add", str(draft), "--replace", check=True).stdout
    assert "versi 2" in out and "pk-1" in out
    s = services(db_path, clock)
    assert s.catalog.get("pk").step(1).lane == "sekretaris"
    kept = s.repo.get_run(old.id)
    assert kept.sop_version == 1 and s.sop_of(kept).step(1).lane == "kadis"
    status = s.status(kept)
    assert status.steps[0].lanes == ("kadis",) and status.steps[0].standard_minutes == 15
    assert any("versi 1" in w and "versi 2" in w for w in status.warnings)
    # the old run goes on and undoes under its own version
    clock.advance(minutes=10)
    s.act(old.id, 1, "done")
    s.undo(old.id)
    s.undo(old.id)
    assert s.repo.get_run(old.id).record(1).state.value == "belum"
    new = s.new_run("pk", "PK baru", 2026)
    assert new.sop_version == 2 and s.status(new).steps[0].lanes == ("sekretaris",)
    assert s.status(new).warnings == ()
    again = cli("sop", "add", str(draft), "--replace", check=True).stdout
    assert "tidak berubah" in again


def test_id_and_code_are_unique(db_path: Path, clock, tmp_path: Path) -> None:
    s = services(db_path, clock)
    same_code = write(tmp_path / "x.toml", KUNJUNGAN.replace('code = "kj"', 'code = "pk"'))
    with pytest.raises(BadInput, match="kode 'pk' sudah dipakai"):
        s.add_sop(same_code)
    sop, added = s.add_sop(write(tmp_path / "kj.toml", KUNJUNGAN))
    assert sop.id == "kunjungan" and added.version == 1 and added.new
    assert s.new_run("kj", "Kunjungan", 2026).id == "kj-1"
    id_is_a_code = write(
        tmp_path / "y.toml",
        KUNJUNGAN.replace('id = "kunjungan"', 'id = "kj"').replace('code = "kj"', 'code = "kx"'),
    )
    with pytest.raises(BadInput, match="sudah dipakai"):
        s.add_sop(id_is_a_code)  # `run new kj` would be ambiguous
    with pytest.raises(BadInput, match="--replace"):
        s.add_sop(write(tmp_path / "kj2.toml", KUNJUNGAN + "\n# ubah\n"))


def test_a_users_sop_folder_changes_nothing(db_path: Path, clock, isolated_home: Path) -> None:
    folder = isolated_home / ".config" / "soptrack" / "sops"
    folder.mkdir(parents=True)
    write(folder / "pengukuran-kinerja.toml", CHANGED)
    write(folder / "kunjungan.toml", KUNJUNGAN)
    from soptrack.services.core import open_services

    s = open_services(str(db_path))
    assert s.catalog.get("pk").step(1).lane == "kadis"
    assert s.catalog.find("kunjungan") is None


def test_only_an_admin_changes_the_catalog_under_enforcement(
    db_path: Path, clock, tmp_path: Path
) -> None:
    admin = services(db_path, clock, "admin")
    admin.set_office("peran.admin", "admin")
    admin.set_office("peran.budi", "sekretaris")
    admin.set_office("peran.wajib", "ya")
    budi = services(db_path, clock, "budi")
    draft = write(tmp_path / "kj.toml", KUNJUNGAN)
    with pytest.raises(RuleViolation, match="admin"):
        budi.add_sop(draft)
    for key, value in [
        ("peran.budi", "kadis"),
        ("peran.wajib", "tidak"),
        ("jam.senin", "07:00-20:00"),
        ("libur", "2026-11-26"),
        ("zona", "WIB"),
    ]:
        with pytest.raises(RuleViolation, match="hanya boleh diubah oleh admin"):
            budi.set_office(key, value)
    budi.set_office("alamat", "Jl. Ahmad Yani")  # the letterhead is not a rule
    admin.add_sop(draft)
    admin.set_office("peran.budi", "sekretaris,kadis")
    assert budi.office().roles_of("budi") == ("sekretaris", "kadis")


def _v1_database(path: Path, sop_id: str = "pengukuran-kinerja") -> None:
    """A database as soptrack 0.2 (schema 1) wrote it: no catalog, no hashes."""
    s = Services(path, user="budi", sop_dirs=[])
    run = s.new_run(sop_id, "PK lama", 2026)
    s.act(run.id, 1, "start")
    s.act(run.id, 1, "done")
    s.fold_journals()  # at rest: each file says all
    data = json.loads(path.read_text())
    data.pop("sops")
    # soptrack 0.2 kept every run in the one file: gather the year files back into it
    data["runs"] = {}
    for year_file in sorted(path.parent.glob(f"{path.stem}.[0-9][0-9][0-9][0-9].json")):
        data["runs"].update(json.loads(year_file.read_text())["runs"])
        year_file.unlink()
    data.pop("index", None)
    data.pop("years", None)
    storage.forget(str(path))
    for doc in data["runs"].values():
        doc.pop("sop_version")
        for entry in doc["history"]:
            entry.pop("hash")
            entry.pop("state", None)
    data["meta"]["1"]["schema"] = 1
    path.write_text(json.dumps(data))


def test_migration_pins_each_run_to_todays_version_and_seals_its_history(
    db_path: Path, clock, cli
) -> None:
    _v1_database(db_path)
    out = cli("doctor")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "rantai hash semua run cocok" in out.stdout
    s = services(db_path, clock)
    run = s.repo.get_run("pk-1")
    assert run.sop_version == 1 and all(e.hash for e in run.history)
    assert s.repo.sop_versions()[0].text == PK_TEXT
    s.act("pk-1", 2, "start")  # the first write: backup first, then schema 2
    assert backups.list_backups(db_path)
    data = json.loads(db_path.read_text())
    year = json.loads(db_path.with_name(f"{db_path.stem}.2026.json").read_text())
    assert data["meta"]["1"]["schema"] == schema.SCHEMA_VERSION
    assert year["runs"]["1"]["sop_version"] == 1
    assert s.chain_problems() == []
    s.undo("pk-1")
    s.undo("pk-1")
    assert s.repo.get_run("pk-1").record(1).state.value == "berjalan"


def test_migration_of_a_run_whose_sop_file_is_gone(
    db_path: Path, clock, tmp_path: Path, isolated_home: Path
) -> None:
    folder = isolated_home / ".config" / "soptrack" / "sops"
    folder.mkdir(parents=True)
    write(folder / "kunjungan.toml", KUNJUNGAN)
    s = services(db_path, clock)
    s.add_sop(folder / "kunjungan.toml")
    _v1_database(db_path, "kunjungan")
    # the first to open the old database (the split is done once, on first use) no longer
    # has the SOP file of soptrack 0.2: the run stays unpinned until the SOP is added
    (folder / "kunjungan.toml").unlink()
    storage.forget(str(db_path))  # another process: no parse cached from before
    s = services(db_path, clock)
    assert s.repo.get_run("kj-1").sop_version is None
    assert any("belum tercatat" in p for p in s.chain_problems())
    _sop, added = s.add_sop(write(tmp_path / "kj.toml", KUNJUNGAN))
    assert added.pinned == ["kj-1"] and s.repo.get_run("kj-1").sop_version == 1


def test_a_hand_edited_sop_version_is_refused(db_path: Path, clock, cli) -> None:
    services(db_path, clock).new_run("pengukuran-kinerja", "PK", 2026)
    data = json.loads(db_path.read_text())
    text = data["sops"]["1"]["text"]
    data["sops"]["1"]["text"] = text.replace('pelaksana = ["kadis"]', 'pelaksana = ["x"]', 1)
    db_path.write_text(json.dumps(data))
    result = cli("status", "pk-1")
    assert result.returncode == 2 and "diubah di luar soptrack" in result.stderr
    assert result.stderr.count("\n") == 1
