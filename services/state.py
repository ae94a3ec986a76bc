"""What the Textual app knows, as a plain object the screens observe.

No Textual import here: the state holds the services, remembers the store's signature and
tells subscribers when another process (the CLI, a colleague's TUI) changed the database.
Screens subscribe on mount and re-read what they show; nothing here waits on a lock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from soptrack.services.core import Scope, Services
from soptrack.sop.errors import SoptrackError
from soptrack.sop.office import OfficeProfile
from soptrack.sop.run import Run
from soptrack.sop.status import RunStatus

Listener = Callable[[], None]

DEMO_SOP = "pengukuran-kinerja"
DEMO_LABEL = "CONTOH"
DEMO_RUN_CODE = "contoh"


def demo_path(real: Path) -> Path:
    """The sample database, beside the real one and never the same file."""
    return real.with_name(f"{real.stem}.contoh.json")


class AppState:
    def __init__(self, services: Services, *, demo: bool = False) -> None:
        self.services = services
        self.demo = demo
        self._listeners: list[Listener] = []
        self._office: OfficeProfile | None = None
        self.problems: list[str] = []
        # run id -> what its last export wrote, shown on its board until the next one
        self.exports: dict[str, str] = {}
        # every database this state showed (the real one, the sample): whose journals
        # are folded when the app closes
        self.opened: dict[Path, Services] = {services.repo.path: services}
        self._signature = self._read_signature()

    # -- observing the store ---------------------------------------------------------------

    def subscribe(self, listener: Listener) -> None:
        if listener not in self._listeners:
            self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _read_signature(self) -> object:
        try:
            return self.services.repo.signature()
        except OSError:
            return None

    def poll(self) -> bool:
        """Tell every listener when the file changed since the last look; True if it did."""
        signature = self._read_signature()
        if signature == self._signature:
            return False
        self._signature = signature
        self._office = None
        self.notify()
        return True

    def notify(self) -> None:
        for listener in list(self._listeners):
            listener()

    # -- reading ---------------------------------------------------------------------------

    def office(self) -> OfficeProfile:
        """The office profile (hours, roles), re-read only when the file changed."""
        if self._office is None:
            self._office = self.services.office()
        return self._office

    def run_status(self, ref: str, *, warnings: bool = True) -> RunStatus:
        services = self.services
        return services.status(services.repo.get_run(ref), self.office(), warnings=warnings)

    def status_of(self, run: Run) -> RunStatus:
        return self.services.status(run, self.office())

    def statuses(self) -> list[RunStatus]:
        """Every run that can be shown; the reasons for any left out are in `problems`."""
        self.problems = []
        return self.services.statuses(self.office(), self.problems)

    def page(self, scope: Scope, offset: int, limit: int) -> tuple[list[RunStatus], int]:
        """One page of the runs in `scope` (newest year first) and how many the scope
        holds: a list view builds what it shows, never thousands of runs at once. The
        reasons for runs left out of the first page are in `problems`."""
        problems: list[str] = []
        # The lists (overview, run picker) show no per-run warnings; the board does.
        statuses = self.services.statuses(
            self.office(), problems, scope=scope, offset=offset, limit=limit, warnings=False
        )
        if offset == 0:
            self.problems = problems
        return statuses, self.services.count(scope)

    def has_runs(self) -> bool:
        return self.services.repo.run_count() > 0

    def my_role(self) -> str:
        """The role the user acts in ('' when none); errors become ''."""
        try:
            return self.services.actor().role
        except SoptrackError:
            return ""

    # -- switching database ----------------------------------------------------------------

    def switch(self, services: Services, *, demo: bool) -> None:
        """Another database (the sample, or back to the real one). The observers are not
        told: each shows a run or a list of the database it was built on, and the caller
        replaces every screen right after (a board told first reloaded its run from the
        other database: "run contoh-1 tidak ada")."""
        self.services = services
        self.demo = demo
        self.opened.setdefault(services.repo.path, services)
        self._office = None
        self._signature = self._read_signature()

    def fold_journals(self) -> None:
        """On closing: the journals of every database shown go into their files."""
        for services in self.opened.values():
            services.fold_journals()


def open_demo(services: Services) -> tuple[Services, str]:
    """Services on the sample database (created on first use) and the sample run's id."""
    path = demo_path(services.repo.path)
    demo = Services(
        path,
        as_role=None,
        sop_dirs=services.sop_dirs,
        clock=services.clock,
        user=services.user,
    )
    demo.run_code = DEMO_RUN_CODE
    runs = demo.repo.list_runs()
    if runs:
        return demo, runs[0].id
    return demo, _fill_demo(demo)


def _fill_demo(demo: Services) -> str:
    """One Pengukuran Kinerja run, half done, with a return at step 9 and a note."""
    now = demo.clock()
    moments = iter(now - timedelta(hours=40) + timedelta(minutes=35 * i) for i in range(200))
    scripted = Services(
        demo.repo.path,
        sop_dirs=demo.sop_dirs,
        clock=lambda: next(moments),
        user=demo.user,
    )
    scripted.run_code = DEMO_RUN_CODE
    run = scripted.new_run(DEMO_SOP, f"{DEMO_LABEL}: Pengukuran Kinerja {now.year}", now.year)
    for number in range(1, 9):
        scripted.act(run.id, number, "start")
        if number == 2:
            scripted.act(run.id, number, "note", "Format memakai templat tahun lalu.")
        scripted.act(run.id, number, "done")
    scripted.act(run.id, 9, "start")
    scripted.act(run.id, 9, "return", "Target indikator 3 belum sesuai RENSTRA.")
    scripted.act(run.id, 8, "start")
    return run.id
