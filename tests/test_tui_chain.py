"""The board warns about a run whose history was edited outside soptrack, and names the SOP
version a run follows once its SOP changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tui_fixtures import Recorder, app_for, async_test, fresh, make_run, services, wait_until

from soptrack.sop.catalog import SHIPPED_DIR
from soptrack.tui.widgets.header import RunHeader


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "soptrack.json"


def header_text(app) -> str:
    return str(app.screen.query_one(RunHeader).render())


@async_test
async def test_a_broken_chain_shows_on_the_board(db: Path) -> None:
    run_id = make_run(db, done=range(1, 3))
    fresh(db).fold_journals()  # soptrack closed: the edit is made to a file that says all
    year_file = db.with_name(f"{db.stem}.{fresh(db).repo.get_run(run_id).year}.json")
    data = json.loads(year_file.read_text())
    data["runs"]["1"]["history"][0]["user"] = "orang-lain"
    year_file.write_text(json.dumps(data))
    app = app_for(db, run_id)
    recorder = Recorder(app)
    async with app.run_test(size=(160, 48)) as pilot:
        # checked in a worker right after the first frame
        assert await wait_until(
            pilot, lambda: any("entri #1" in w for w in recorder.warnings()), 10
        )
        assert "rantai hash" in header_text(app) and "entri #1" in header_text(app)


@async_test
async def test_the_board_names_the_version_an_old_run_follows(db: Path, tmp_path: Path) -> None:
    run_id = make_run(db, done=[1])
    draft = tmp_path / "pk.toml"
    draft.write_text(
        (SHIPPED_DIR / "pengukuran-kinerja.toml").read_text().replace("15 Menit", "5 Menit", 1)
    )
    services(db).add_sop(draft, replace=True)
    app = app_for(db, run_id)
    async with app.run_test(size=(160, 48)) as pilot:
        assert await wait_until(pilot, lambda: "terbaru: versi 2" in header_text(app), 10)
        assert "versi 1" in header_text(app)
