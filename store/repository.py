"""The repository: what the rest of soptrack asks of the database, in domain objects.

Reads take no lock: writes replace the file atomically, so a reader always sees a whole
database. Every read-modify-write takes the inter-process lock, opens a fresh TinyDB (so no
next-id or query cache from before the lock survives), re-reads the file, applies a pure
function to the fresh state and writes once.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from tinydb import TinyDB
from tinydb.table import Document

from soptrack.sop.errors import BadInput
from soptrack.sop.office import OfficeProfile, profile_from_dict, profile_to_dict
from soptrack.sop.run import Actor, Run, new_run, run_from_dict, run_to_dict
from soptrack.sop.versions import SopVersion
from soptrack.store import backups
from soptrack.store import catalog as catalog_mod
from soptrack.store import storage as storage_mod
from soptrack.store.errors import StoreBusy, StoreCorrupt, StoreError
from soptrack.store.paths import expand
from soptrack.store.storage import AtomicJSONStorage

RUNS = "runs"
OFFICE = "office"
T = TypeVar("T")


class Repository:
    def __init__(self, path: str | os.PathLike[str], *, lock_timeout: float = 10.0) -> None:
        # resolved: users of a symlink and of the real path must share one file and one lock
        self.path = _resolve(expand(str(path), "database"))
        self.lock_timeout = lock_timeout
        self._lock: Any = None  # filelock is imported on the first write: readers never pay

    # -- plumbing --------------------------------------------------------------------------

    def _open(self) -> TinyDB:
        return TinyDB(str(self.path), storage=AtomicJSONStorage)

    @contextmanager
    def reading(self) -> Iterator[TinyDB]:
        with storage_mod.CACHE_LOCK:  # the parsed file is shared with other threads
            db = self._open()
            try:
                yield db
            finally:
                db.close()

    @contextmanager
    def transaction_lock(self) -> Iterator[None]:
        """The inter-process lock alone, with a clear message when it is busy."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"folder {self.path.parent} tidak dapat dibuat: {exc.strerror}"
            ) from None
        # filelock: imported on the first write, not by read-only commands (start-up time)
        from filelock import Timeout

        from soptrack.store.fair_lock import FairLock

        if self._lock is None:
            self._lock = FairLock(str(self.path) + ".lock", timeout=self.lock_timeout, mode=0o664)
        try:
            self._lock.acquire()
        except Timeout:
            raise StoreBusy(
                f"database {self.path} sedang dipakai (database busy) lebih dari "
                f"{self.lock_timeout:g} detik; coba lagi sebentar lagi"
            ) from None
        except PermissionError:
            raise StoreError(
                f"tidak ada izin membuat kunci {self.path}.lock; minta admin memberi izin "
                "tulis untuk grup kantor pada folder itu"
            ) from None
        except OSError as exc:  # a read-only or full disk: the lock file cannot be made
            raise storage_mod.write_error(str(self.path), exc) from None
        try:
            yield
        finally:
            self._lock.release()

    @contextmanager
    def transaction(self) -> Iterator[TinyDB]:
        """Lock, fresh read, yield, one atomic write. An exception writes nothing."""
        with self.transaction_lock(), storage_mod.CACHE_LOCK:
            db = self._open()
            store = db.storage
            assert isinstance(store, AtomicJSONStorage)
            try:
                yield db
            except BaseException:
                store.discard()
                raise
            store.flush()

    def initialize(self) -> bool:
        """Create the database file (with its schema version) if it does not exist yet."""
        if self.path.exists():
            return False
        with self.transaction() as db:
            store = db.storage
            store.write(store.read() or {})
        return True

    def signature(self) -> tuple[int, int, int, int] | None:
        """Changes whenever any process writes the database: cheap polling for the TUI."""
        return storage_mod.stat_signature(str(self.path))

    def exists(self) -> bool:
        return self.path.exists()

    # -- runs ------------------------------------------------------------------------------

    def list_runs(self, *, history: bool = True) -> list[Run]:
        """All runs. `history=False` is for read-only views: several times faster at 1,000
        runs, since history is most of the file."""
        with self.reading() as db:
            return [self._run(doc, history=history) for doc in db.table(RUNS).all()]

    def run_count(self) -> int:
        """How many runs there are, without building them (the welcome-or-overview choice)."""
        with self.reading() as db:
            return len(db.table(RUNS))

    def get_run(self, ref: str) -> Run:
        with self.reading() as db:
            return self._run(self._find(db, ref))

    def create_run(
        self,
        sop_id: str,
        code: str,
        step_numbers: list[int],
        title: str,
        year: int,
        actor: Actor,
        now: datetime,
        version: SopVersion | None = None,
    ) -> Run:
        """A new run that follows `version` of its SOP for good. A version not stored yet
        (number 0: a shipped SOP's first use) is stored now, or the stored one with the same
        text is reused."""
        with self.transaction() as db:
            number = self._pin(db, version) if version is not None else None
            table = db.table(RUNS)
            doc_id = _next_id(table)
            run = new_run(f"{code}-{doc_id}", sop_id, step_numbers, title, year, actor, now, number)
            table.insert(Document(run_to_dict(run), doc_id=doc_id))
            return run

    def _pin(self, db: TinyDB, version: SopVersion) -> int:
        if version.version:
            return version.version
        mine = [v for v in catalog_mod.versions(db) if v.sop_id == version.sop_id]
        newest = max(mine, key=lambda v: v.version, default=None)
        if newest is not None and newest.digest == version.digest:
            return newest.version
        number = newest.version + 1 if newest else 1
        catalog_mod.insert(db, replace(version, version=number))
        return number

    def update_run(self, ref: str, change: Callable[[Run], Run]) -> Run:
        """Apply `change` to the run as it is in the file now, under the lock."""
        with self.transaction() as db:
            doc = self._find(db, ref)
            run = change(self._run(doc))
            db.table(RUNS).update(run_to_dict(run), doc_ids=[doc.doc_id])
            return run

    def _run(self, doc: Document, *, history: bool = True) -> Run:
        """A run document that does not parse means the file was damaged or hand-edited."""
        try:
            return run_from_dict(doc, history=history)
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            backup = backups.latest(self.path)
            fix = (
                f"pulihkan cadangan: soptrack restore ({backup})" if backup else "perbaiki file itu"
            )
            raise StoreCorrupt(
                f"database {self.path} rusak: run #{doc.doc_id} tidak lengkap ({exc!r}); "
                f"tidak diubah. {fix}"
            ) from None

    def _find(self, db: TinyDB, ref: str) -> Document:
        ref = ref.strip()
        number = ref.rsplit("-", 1)[-1]
        digits = number.isascii() and number.isdigit()
        doc = db.table(RUNS).get(doc_id=int(number)) if digits else None
        if doc is None or (ref != number and doc.get("id") != ref):
            raise BadInput(f"run {ref!r} tidak ada di {self.path}; lihat daftar: soptrack runs")
        assert isinstance(doc, Document)
        return doc

    # -- the SOP catalog (store/catalog.py) --------------------------------------------------

    def sop_versions(self) -> list[SopVersion]:
        """Every stored version of every SOP."""
        with self.reading() as db:
            return self._versions(db)

    def _versions(self, db: TinyDB) -> list[SopVersion]:
        try:
            return catalog_mod.versions(db)
        except (KeyError, ValueError, TypeError) as exc:
            raise StoreCorrupt(
                f"database {self.path} rusak: katalog SOP tidak lengkap atau diubah di luar "
                f"soptrack ({exc}); tidak diubah. pulihkan cadangan: soptrack restore"
            ) from None

    def add_sop_version(
        self,
        decide: Callable[[list[SopVersion], list[dict[str, Any]]], SopVersion | None],
    ) -> tuple[SopVersion | None, list[str]]:
        """Store the version `decide` makes from the catalog and the runs as they are now
        (None: nothing to store); it raises to refuse. Runs of that SOP from before versions
        existed follow the new version from now on; their ids are returned."""
        with self.transaction() as db:
            runs = [dict(doc) for doc in db.table(RUNS).all()]
            version = decide(self._versions(db), runs)
            if version is None:
                return None, []
            catalog_mod.insert(db, version)
            pinned = [
                doc.doc_id
                for doc in db.table(RUNS).all()
                if doc.get("sop_id") == version.sop_id and doc.get("sop_version") is None
            ]
            if pinned:
                db.table(RUNS).update({"sop_version": version.version}, doc_ids=pinned)
            ids = [str(db.table(RUNS).get(doc_id=i)["id"]) for i in pinned]  # type: ignore[index]
            return version, ids

    # -- office profile --------------------------------------------------------------------

    def get_office(self) -> OfficeProfile:
        with self.reading() as db:
            doc = db.table(OFFICE).get(doc_id=1)
        return profile_from_dict(doc) if doc else OfficeProfile()

    def update_office(self, change: Callable[[OfficeProfile], OfficeProfile]) -> OfficeProfile:
        with self.transaction() as db:
            table = db.table(OFFICE)
            doc = table.get(doc_id=1)
            profile = change(profile_from_dict(doc) if doc else OfficeProfile())
            table.upsert(Document(profile_to_dict(profile), doc_id=1))
            return profile

    # -- raw access for store-level features (letters, doctor) -------------------------------

    def modify(self, table_name: str, change: Callable[[list[dict[str, Any]]], T]) -> T:
        """Hand `change` the table's documents under the lock; it may append to the list."""
        with self.transaction() as db:
            table = db.table(table_name)
            docs = [copy.deepcopy(dict(doc)) for doc in table.all()]
            count = len(docs)
            result = change(docs)
            if len(docs) > count:
                table.insert_multiple(docs[count:])
            return result

    def rows(self, table_name: str) -> list[dict[str, Any]]:
        with self.reading() as db:
            return [copy.deepcopy(dict(doc)) for doc in db.table(table_name).all()]


def _resolve(path: Path) -> Path:
    try:
        return path.resolve()
    except (RuntimeError, OSError):  # a symlink loop (RuntimeError before Python 3.13)
        raise BadInput(
            f"database {path}: rantai symlink berputar (symlink loop); pakai --db FILE lain"
        ) from None


def _next_id(table: Any) -> int:
    ids = [doc.doc_id for doc in table.all()]
    return max(ids, default=0) + 1
