"""The application service both faces use: the CLI and the Textual app call the same
functions, so a rule or a role check can never differ between them.

It wires the pure domain (sop/) to the store; it holds no state the UI must observe.
"""

from __future__ import annotations

import getpass
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from soptrack.services.config import Config, Setting, load_config
from soptrack.sop.catalog import Catalog
from soptrack.sop.errors import BadInput, SoptrackError
from soptrack.sop.loader import load_sop
from soptrack.sop.model import Sop
from soptrack.sop.office import OfficeProfile, check_may_act, resolve_actor, set_value
from soptrack.sop.run import Action, Actor, Run
from soptrack.sop.status import RunStatus, run_status
from soptrack.sop.workflow import clean_text, transition, undo, undoable
from soptrack.store import Repository
from soptrack.store.paths import resolve_db_path, user_sop_dir

if TYPE_CHECKING:
    from soptrack.store import maintenance


@dataclass(frozen=True)
class Scope:
    """Which runs a list view shows: this year's and every unfinished one (the default),
    one year's, or all of them."""

    year: int | None = None
    all_years: bool = False


def os_user() -> str:
    """The login acting: under sudo, the user who ran sudo, not root."""
    sudo_user = os.environ.get("SUDO_USER")
    if sudo_user and hasattr(os, "geteuid") and os.geteuid() == 0:
        return sudo_user
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid{os.getuid()}" if hasattr(os, "getuid") else "pengguna"


def local_now() -> datetime:
    return datetime.now().astimezone().replace(microsecond=0)


def open_services(db: str | None = None, as_role: str | None = None) -> Services:
    """The services as every interface opens them: flag > environment > config files."""
    return Services(as_role=as_role, config=load_config(db))


class Services:
    def __init__(
        self,
        db: str | os.PathLike[str] | None = None,
        *,
        as_role: str | None = None,
        sop_dirs: list[Path] | None = None,
        clock: Callable[[], datetime] = local_now,
        user: str | None = None,
        config: Config | None = None,
    ) -> None:
        if db is None and config is not None:
            db = config.db.value
        self.repo = Repository(resolve_db_path(str(db) if db else None))
        self.as_role = as_role
        if sop_dirs is None:
            sop_dirs = list(config.sop_dirs) if config is not None else [user_sop_dir()]
        self.sop_dirs = sop_dirs
        # Without config files (tests, the sample database): the arguments are the settings.
        self.config = config or Config(
            db=Setting(str(self.repo.path), "argumen"), sop_dirs=tuple(sop_dirs)
        )
        self.clock = clock
        self.user = user or os_user()
        self._catalog: Catalog | None = None

    # -- SOPs ------------------------------------------------------------------------------

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = Catalog.load(self.sop_dirs)
        return self._catalog

    def sop_of(self, run: Run) -> Sop:
        sop = self.catalog.find(run.sop_id)
        if sop is None:
            raise BadInput(
                f"run {run.id} memakai SOP {run.sop_id!r} yang tidak ditemukan; "
                f"tambahkan lagi filenya: soptrack sop add FILE"
            )
        return sop

    def add_sop(self, path: Path, *, replace: bool = False) -> tuple[Sop, Path]:
        """Validate, then copy into the user's SOP folder so it sits beside the shipped ones."""
        sop = load_sop(path)
        target_dir = self.sop_dirs[-1]
        target = target_dir / f"{sop.id}.toml"
        if target.exists() and not replace and target.resolve() != path.resolve():
            raise BadInput(f"{target} sudah ada; tambahkan --replace untuk menggantinya")
        target_dir.mkdir(parents=True, exist_ok=True)
        if target.resolve() != path.resolve():
            shutil.copyfile(path, target)
        self._catalog = None
        return sop, target

    # -- who acts --------------------------------------------------------------------------

    def office(self) -> OfficeProfile:
        """The stored profile with the config files' keys on top (an admin's word wins)."""
        profile = self.repo.get_office()
        if not self.config.office:
            return profile
        roles = self.catalog.roles
        for key, setting in self.config.office.items():
            try:
                profile = set_value(profile, key, setting.value, roles)
            except BadInput as exc:
                raise BadInput(f"{setting.source}: {exc}") from None
        return profile

    def actor(self, office: OfficeProfile | None = None) -> Actor:
        office = office or self.office()
        return resolve_actor(self.user, self.as_role, office, self.catalog.roles)

    def set_office(self, key: str, value: str) -> OfficeProfile:
        fixed = self.config.office.get(key.strip().lower())
        if fixed is not None:
            raise BadInput(
                f"{key} diatur oleh {fixed.source} (= {fixed.value!r}); ubah di file itu"
            )
        roles = self.catalog.roles
        self.repo.update_office(lambda p: set_value(p, key, value, roles))
        return self.office()

    # -- runs ------------------------------------------------------------------------------

    def new_run(self, sop_id: str, title: str, year: int) -> Run:
        sop = self.catalog.get(sop_id)
        title = clean_text(title)
        if not title:
            raise BadInput("judul run (--title) tidak boleh kosong")
        if not 1900 <= year <= 2200:
            raise BadInput(f"tahun {year} tidak masuk akal (--year, mis. 2026)")
        actor = self.actor()
        return self.repo.create_run(
            sop.id, sop.code, [s.number for s in sop.steps], title, year, actor, self.clock()
        )

    def act(self, run_ref: str, number: int, action: Action | str, note: str = "") -> Run:
        """One step transition, checked against the run as it is in the file right now."""
        office = self.office()
        actor = self.actor(office)

        def change(run: Run) -> Run:
            now = self.clock()  # under the lock: history time follows the order of writes
            sop = self.sop_of(run)
            step = sop.find_step(number)  # an unknown step is for transition() to refuse
            if step is not None and action != Action.NOTE:
                check_may_act(step, actor, office)
            return transition(run, sop, action, number, actor, now, note=note, hours=office.hours)

        return self.repo.update_run(run_ref, change)

    def undo(self, run_ref: str) -> Run:
        office = self.office()
        actor = self.actor(office)

        def change(run: Run) -> Run:
            now = self.clock()  # under the lock, like act()
            sop = self.sop_of(run)
            entry = undoable(run)
            if entry is not None and entry.action is not Action.NOTE:
                check_may_act(sop.step(entry.step), actor, office)
            return undo(run, actor, now)

        return self.repo.update_run(run_ref, change)

    def status(self, run: Run, office: OfficeProfile | None = None) -> RunStatus:
        office = office or self.office()
        return run_status(run, self.sop_of(run), self.clock(), office.hours)

    def statuses(
        self,
        office: OfficeProfile | None = None,
        problems: list[str] | None = None,
        *,
        scope: Scope | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[RunStatus]:
        """The runs in `scope` (by default this year's and every unfinished one), newest
        year first, read from the index alone; `offset`/`limit` take one page of them. A run
        whose SOP file is missing here (another user's `sop add`) or changed shape is left
        out with its reason in `problems`, so one such run never hides the others."""
        office = office or self.office()
        runs = self.repo.list_runs(
            history=False, **self._selection(scope), offset=offset, limit=limit
        )
        shown = []
        for run in runs:
            try:
                shown.append(self.status(run, office))
            except SoptrackError as exc:
                if problems is not None:
                    problems.append(str(exc))
        return shown

    def count(self, scope: Scope | None = None) -> int:
        """How many runs `scope` holds (a list view's total), without building them."""
        return self.repo.count_runs(**self._selection(scope))

    def _selection(self, scope: Scope | None) -> dict[str, Any]:
        scope = scope or Scope()
        if scope.all_years:
            return {}
        if scope.year is not None:
            return {"years": [scope.year]}
        return {"years": [self.clock().year], "unfinished": True}

    # -- the database itself ---------------------------------------------------------------

    def check_database(self) -> maintenance.Report:
        from soptrack.store import maintenance  # doctor only: not on every start

        return maintenance.check(self.repo.path)

    def restore(self, backup: Path | None = None) -> list[tuple[Path, Path | None]]:
        """Put backups back under the lock; per file: (restored from, replaced file kept as)."""
        from soptrack.store import maintenance

        with self.repo.transaction_lock():
            return maintenance.restore(self.repo.path, backup)
