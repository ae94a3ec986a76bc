"""The application service both faces use: the CLI and the Textual app call the same
functions, so a rule or a role check can never differ between them.

It wires the pure domain (sop/) to the store; it holds no state the UI must observe.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import pwd
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from soptrack.services.config import Config, Setting, check_db_folder, load_config
from soptrack.sop import chain
from soptrack.sop.catalog import Catalog, merged, shipped
from soptrack.sop.errors import BadInput, RuleViolation, SoptrackError
from soptrack.sop.loader import parse_sop, read_sop_file
from soptrack.sop.model import Sop
from soptrack.sop.office import (
    ADMIN_ROLE,
    OfficeProfile,
    check_may_act,
    check_may_change,
    is_admin_key,
    resolve_actor,
    set_value,
)
from soptrack.sop.officetime import in_office
from soptrack.sop.run import Action, Actor, Run
from soptrack.sop.status import RunStatus, run_status
from soptrack.sop.text import MAX_TITLE, check_length, clean_line
from soptrack.sop.values import Value
from soptrack.sop.versions import SHIPPED_BY, SopVersion, check_unique, latest
from soptrack.sop.workflow import check_run_matches, transition, undo, undoable
from soptrack.store import Repository
from soptrack.store.paths import resolve_db_path, user_sop_dir

if TYPE_CHECKING:
    from soptrack.store import maintenance


@dataclass(frozen=True, repr=False, eq=False)
class Scope(Value):
    """Which runs a list view shows: this year's and every unfinished one (the default),
    one year's, or all of them."""

    year: int | None = None
    all_years: bool = False


def check_year(year: int) -> None:
    """A run's tahun anggaran: the TUI's dialog asks this before it closes, as new_run does."""
    if not 1900 <= year <= 2200:
        raise BadInput(f"tahun {year} tidak masuk akal; tulis tahun anggaran, mis. 2026")


def os_user() -> str:
    """The OS account of this process, never LOGNAME/USER (anyone can set those). Under
    sudo (running as root), the user who ran sudo: root acting for them."""
    uid = os.getuid()
    sudo_user = os.environ.get("SUDO_USER", "").strip()
    if sudo_user and uid == 0 and os.geteuid() == 0:
        return sudo_user
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid{uid}"  # an account without a passwd entry (containers)


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@functools.cache
def _shipped_version(sop_id: str) -> SopVersion:
    """A shipped SOP as the version its first run stores (number 0: not stored yet)."""
    sop = shipped().get(sop_id)
    text = Path(sop.source).read_text(encoding="utf-8")
    return SopVersion(sop.id, 0, sop.code, text, SHIPPED_BY, utc_now(), sop.source, True)


def _locked_out(profile: OfficeProfile) -> bool:
    """Roles enforced and nobody who may change them."""
    return profile.enforce_roles and not any(ADMIN_ROLE in r for r in profile.users.values())


@dataclass(frozen=True, repr=False, eq=False)
class SopAdded(Value):
    """What `sop add` did: the version now current, whether it is new, the runs that keep
    an older version, and runs from before versions that now follow this one."""

    version: int
    new: bool
    keep: list[str]
    pinned: list[str]


def open_services(db: str | None = None, as_role: str | None = None) -> Services:
    """The services as every interface opens them: flag > environment > config files."""
    config = load_config(db)
    check_db_folder(config.db)
    return Services(as_role=as_role, config=config)


class Services:
    def __init__(
        self,
        db: str | os.PathLike[str] | None = None,
        *,
        as_role: str | None = None,
        sop_dirs: list[Path] | None = None,
        clock: Callable[[], datetime] = utc_now,
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
        self._raw_clock = clock
        self.user = user or os_user()
        self._zone: str | None = None
        self._catalog: tuple[object, Catalog, dict[str, SopVersion]] | None = None
        self._versions: dict[tuple[str, int], Sop] = {}
        # Run ids are "<SOP code>-<n>"; the sample database names its runs "contoh-<n>" so a
        # sample run is never mistaken for (or typed as) a real one.
        self.run_code: str | None = None

    def clock(self) -> datetime:
        """Now on the office's clock (its zone, whatever the server's TZ): dates, years and
        times of day read off it are the office's. The instant itself is absolute."""
        if self._zone is None:
            self._zone = self.office().zona
        return in_office(self._raw_clock(), self._zone)

    # -- SOPs: the catalog in the database --------------------------------------------------

    def _current(self) -> tuple[Catalog, dict[str, SopVersion]]:
        """The catalog everyone on this database sees, and the version each SOP's next run
        will follow (number 0: a shipped SOP not stored yet, stored by that run)."""
        signature = self.repo.catalog_signature()
        if self._catalog is None or self._catalog[0] != signature:
            defaults = shipped()
            stored = latest(self.repo.sop_versions())
            current: dict[str, SopVersion] = {}
            sops: list[Sop] = []
            for sop in defaults:
                candidate = _shipped_version(sop.id)
                mine = stored.get(sop.id)
                # a newer soptrack's shipped SOP wins over the stored copy of the old one,
                # never over an office's own version
                if mine is None or (mine.shipped and mine.digest != candidate.digest):
                    current[sop.id] = candidate
            for sop_id, version in stored.items():
                if sop_id not in current:
                    current[sop_id] = version
                    sops.append(self._version_sop(version))
            self._catalog = (signature, merged(defaults, sops), current)
        return self._catalog[1], self._catalog[2]

    @property
    def catalog(self) -> Catalog:
        return self._current()[0]

    def current_version(self, sop_id: str) -> SopVersion:
        return self._current()[1][self.catalog.get(sop_id).id]

    def _version_sop(self, version: SopVersion) -> Sop:
        key = (version.sop_id, version.version)
        if key not in self._versions:
            self._versions[key] = version.sop()
        return self._versions[key]

    def sop_of(self, run: Run) -> Sop:
        """The SOP version the run was started with: its rules, lanes and times, for good."""
        if run.sop_version is not None:
            key = (run.sop_id, run.sop_version)
            if key not in self._versions:
                found = next(
                    (v for v in self.repo.sop_versions() if (v.sop_id, v.version) == key), None
                )
                if found is None:
                    raise BadInput(
                        f"run {run.id} mengikuti SOP {run.sop_id} versi {run.sop_version}, "
                        "yang tidak ada di katalog database; pulihkan cadangan: soptrack restore"
                    )
                self._versions[key] = found.sop()
            return self._versions[key]
        sop = self.catalog.find(run.sop_id)
        if sop is None:
            raise BadInput(
                f"run {run.id} memakai SOP {run.sop_id!r} yang tidak ada di katalog database; "
                "admin menambahkannya: soptrack sop add FILE"
            )
        return sop

    def version_note(self, run: Run) -> str:
        """'' when the run follows its SOP's current version, else which one it follows."""
        if run.sop_version is None:
            return "versi SOP belum tercatat (run lama)"
        try:
            now = self.current_version(run.sop_id).version
        except BadInput:
            return f"mengikuti SOP {run.sop_id} versi {run.sop_version} (SOP sudah dihapus)"
        if now == run.sop_version:
            return ""
        newest = f"versi {now}" if now else "versi bawaan baru"
        return f"mengikuti SOP versi {run.sop_version} (terbaru: {newest})"

    def add_sop(self, path: Path, *, replace: bool = False) -> tuple[Sop, SopAdded]:
        """Validate the file and store it in the database's catalog as a new version.

        The file itself is only a draft: what runs enforce is the stored text. Replacing an
        SOP needs `replace`; the runs that use it keep the version they started with."""
        raw = read_sop_file(Path(path))  # once: the text stored is the text validated
        sop = parse_sop(raw, str(path))
        text = raw.decode("utf-8").removeprefix("\ufeff")
        office = self.office()
        check_may_change(office, self.user, "katalog SOP")
        catalog, current = self._current()
        users: list[str] = []
        same: list[int] = []

        def decide(versions: list[SopVersion], runs: list[dict]) -> SopVersion | None:
            stored = latest(versions)
            others = [s for s in merged(catalog, [v.sop() for v in stored.values()])]
            check_unique(sop, others)
            mine = stored.get(sop.id)
            users[:] = [str(r.get("id")) for r in runs if r.get("sop_id") == sop.id]
            if mine is not None and mine.text == text:
                same.append(mine.version)
                return None
            if (mine is not None or sop.id in current) and not replace:
                have = f"versi {mine.version}" if mine else "bawaan soptrack"
                used = f"; dipakai run {', '.join(users)}" if users else ""
                raise BadInput(
                    f"SOP {sop.id} sudah ada ({have}{used}); tambahkan --replace untuk "
                    "menyimpan versi baru (run yang ada tetap memakai versinya)"
                )
            return SopVersion(
                sop.id,
                (mine.version if mine else 0) + 1,
                sop.code,
                text,
                self.user,
                utc_now(),
                str(path),
            )

        version, pinned = self.repo.add_sop_version(decide)
        self._catalog = None
        if version is None:
            return sop, SopAdded(same[0], False, users, [])
        keep = [r for r in users if r not in pinned]
        return sop, SopAdded(version.version, True, keep, pinned)

    # -- who acts --------------------------------------------------------------------------

    def office(self) -> OfficeProfile:
        """The stored profile with the config files' keys on top (an admin's word wins).
        The role map, enforcement and office time never come from a user's own file: the
        config loader leaves those keys out of it."""
        profile = self.repo.get_office()
        if self.config.office:
            roles = self.catalog.roles
            for key, setting in self.config.office.items():
                try:
                    profile = set_value(profile, key, setting.value, roles)
                except BadInput as exc:
                    raise BadInput(f"{setting.source}: {exc}") from None
        self._zone = profile.zona
        return profile

    def actor(self, office: OfficeProfile | None = None) -> Actor:
        office = office or self.office()
        return resolve_actor(self.user, self.as_role, office, self.catalog.roles)

    def set_office(self, key: str, value: str) -> OfficeProfile:
        if is_admin_key(key):  # who may, before where it is set: a refusal is a refusal
            check_may_change(self.office(), self.user, key.strip().lower())
        fixed = self.config.office.get(key.strip().lower())
        if fixed is not None:
            raise BadInput(
                f"{key} diatur oleh {fixed.source} (= {fixed.value!r}); ubah di file itu"
            )
        roles = self.catalog.roles
        user = self.user

        def change(stored: OfficeProfile) -> OfficeProfile:
            # checked against the profile as it is in the file now, under the lock
            if is_admin_key(key):
                check_may_change(self._effective(stored), user, key.strip().lower())
            changed = set_value(stored, key, value, roles)
            before, after = self._effective(stored), self._effective(changed)
            if _locked_out(after) and not _locked_out(before):
                raise RuleViolation(
                    "peran wajib butuh setidaknya satu admin, atau tidak ada yang bisa "
                    "mengubah peran lagi; dulu: soptrack office set peran.NAMA admin"
                )
            return changed

        self.repo.update_office(change)
        self._zone = None
        return self.office()

    def _effective(self, stored: OfficeProfile) -> OfficeProfile:
        """A stored profile with the config files' keys on top."""
        roles = self.catalog.roles
        for key, setting in self.config.office.items():
            try:
                stored = set_value(stored, key, setting.value, roles)
            except BadInput as exc:
                raise BadInput(f"{setting.source}: {exc}") from None
        return stored

    # -- runs ------------------------------------------------------------------------------

    def new_run(self, sop_id: str, title: str, year: int) -> Run:
        sop = self.catalog.get(sop_id)
        version = self.current_version(sop.id)
        title = check_length(clean_line(title), MAX_TITLE, "judul run (--title)")
        if not title:
            raise BadInput("judul run (--title) tidak boleh kosong")
        check_year(year)
        actor = self.actor()
        code = self.run_code or sop.code
        steps = [s.number for s in sop.steps]
        now = self.clock()
        return self.repo.create_run(sop.id, code, steps, title, year, actor, now, version)

    def act(self, run_ref: str, number: int, action: Action | str, note: str = "") -> Run:
        """One step transition, checked against the run as it is in the file right now."""

        def change(run: Run) -> Run:
            chain.check_sealed(run)
            # under the lock: the roles and the time are those of the moment of the write
            office = self.office()
            actor = self.actor(office)
            now = self.clock()
            sop = self.sop_of(run)
            step = sop.find_step(number)  # an unknown step is for transition() to refuse
            if step is not None and action != Action.NOTE:
                check_may_act(step, actor, office)
            changed = transition(
                run, sop, action, number, actor, now, note=note, hours=office.hours
            )
            return chain.seal(changed)

        return self.repo.update_run(run_ref, change)

    def undo(self, run_ref: str) -> Run:

        def change(run: Run) -> Run:
            chain.check_sealed(run)
            office = self.office()  # under the lock, like act()
            actor = self.actor(office)
            now = self.clock()
            sop = self.sop_of(run)
            check_run_matches(run, sop)  # a SOP file that lost steps cannot undo this run
            entry = undoable(run)
            step = sop.find_step(entry.step) if entry is not None else None
            if entry is not None and step is not None and entry.action is not Action.NOTE:
                check_may_act(step, actor, office)
            return chain.seal(undo(run, actor, now))

        return self.repo.update_run(run_ref, change)

    def status(
        self, run: Run, office: OfficeProfile | None = None, *, warnings: bool = True
    ) -> RunStatus:
        """The run as every view shows it; `warnings=False` leaves out the checks of its
        history chain and SOP version (see `warnings`), for a screen that shows them a
        moment later."""
        office = office or self.office()
        status = run_status(run, self.sop_of(run), self.clock(), office.hours)
        found = self.warnings(run) if warnings else ()
        return dataclasses.replace(status, warnings=found) if found else status

    def warnings(self, run: Run) -> tuple[str, ...]:
        """What a reader of the run must know: a history edited outside soptrack (its hash
        chain), a run that follows an older version of its SOP."""
        found = [self.version_note(run)]
        if run.history:  # list views load runs without history: checked by doctor
            found.append(self.chain_problem(run) or "")
        return tuple(w for w in found if w)

    def statuses(
        self,
        office: OfficeProfile | None = None,
        problems: list[str] | None = None,
        *,
        scope: Scope | None = None,
        offset: int = 0,
        limit: int | None = None,
        warnings: bool = True,
    ) -> list[RunStatus]:
        """The runs in `scope` (by default this year's and every unfinished one), newest
        year first, read from the index alone; `offset`/`limit` take one page of them. A run
        whose SOP file is missing here (another user's `sop add`) or changed shape, or whose
        stored document does not read (a hand edit), is left out with its reason in
        `problems`, so one such run never hides the others.
        `warnings=False`: for a list that shows none (see `status`); the SOP version notes
        need the whole catalog, every shipped SOP parsed, which the runs themselves may
        not (they follow their stored versions)."""
        office = office or self.office()
        runs = self.repo.list_runs(
            history=False, **self._selection(scope), offset=offset, limit=limit, problems=problems
        )
        shown = []
        for run in runs:
            try:
                shown.append(self.status(run, office, warnings=warnings))
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

    def fold_journals(self) -> None:
        """Fold the journals of this session's steps into their files (on closing the TUI):
        never an error, a journal left is read with its file."""
        if self.repo.exists():
            self.repo.fold_journals()

    def check_database(self) -> maintenance.Report:
        """`doctor`: what killed writers left is removed first and the run index is
        rebuilt from the year files if it differs from them (under the lock, like a write
        would), then the files, their folder and their backups are checked."""
        from soptrack.store import maintenance  # doctor only: not on every start

        removed = 0
        rebuilt = False
        if self.repo.exists():
            with contextlib.suppress(SoptrackError), self.repo.transaction_lock():
                removed = maintenance.clean_temps(self.repo.path)
                rebuilt = self.repo.rebuild_index()
            self.repo.fold_journals()  # the files then say all: for a look, or a hand edit
        report = maintenance.check(self.repo.path)
        if removed:
            report.lines.append(f"Dibersihkan: {removed} file sementara penulis yang terhenti")
        if rebuilt:
            report.lines.append(
                f"Diperbaiki: indeks {self.repo.index_path.name} dibangun ulang dari file tahun"
            )
        return report

    def restore_plan(self, backup: Path | None = None) -> tuple[list[tuple[Path, Path]], list[str]]:
        """Which backups a restore would put back and what each brings back or loses,
        before anyone is asked."""
        from soptrack.store import maintenance  # restore only: not on every start

        chosen = maintenance.plan(self.repo.path, backup)
        lines = [line for target, b in chosen for line in maintenance.compare(target, b)]
        return chosen, lines

    def chain_problems(self) -> list[str]:
        """Every run whose history no longer matches its hash chain, with the first entry
        that does not; and runs that follow no recorded SOP version."""
        problems = []
        for doc in self.repo.run_documents():
            broken = chain.first_broken(doc)
            if broken is not None:
                problems.append(chain.describe(str(doc.get("id")), broken))
            if doc.get("sop_version") is None:
                problems.append(
                    f"run {doc.get('id')}: versi SOP {doc.get('sop_id')} belum tercatat; "
                    "admin menambahkan SOP itu: soptrack sop add FILE (run ini lalu "
                    "mengikutinya)"
                )
        return problems

    def chain_problem(self, run: Run) -> str | None:
        """For one run as loaded (the TUI's warning)."""
        from soptrack.sop.run import run_to_dict

        broken = chain.first_broken(run_to_dict(run))
        return chain.describe(run.id, broken) if broken else None

    def restore(
        self, backup: Path | list[tuple[Path, Path]] | None = None
    ) -> list[tuple[Path, Path | None]]:
        """Put backups back under the lock: a plan from restore_plan(), or the backup named
        (None: every unreadable file's newest good one). Per file: (restored from, replaced
        file kept as)."""
        from soptrack.store import maintenance  # restore only: not on every start

        with self.repo.transaction_lock():
            if isinstance(backup, list):
                return maintenance.apply(backup)
            return maintenance.restore(self.repo.path, backup)
