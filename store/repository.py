"""The repository: what the rest of soptrack asks of the database, in domain objects.

The database is a set of files (store/layout.py): a main file with the office profile, the
letter register, the SOP catalog and the schema version; one file per year with that year's
runs and their history; and an index file with what list views show of every run. List views
read the index alone; one run is read from its year's file; a transition rewrites its year's
file and the index, never the others.

Reads take no lock: writes replace each file atomically, so a reader always sees whole
files. Every read-modify-write takes the one inter-process lock of the set, opens fresh
TinyDBs (so no next-id or query cache from before the lock survives), re-reads the files,
applies a pure function to the fresh state and writes each file it changed once: the main
file if it changed and the year's file durably (fsync), then the index, which records the
identity (inode, size, mtime) of every year file it indexes, without fsync: it is derived.
A year file is always written as a new inode that is on disk before the index is replaced,
so an index that does not match its year file (a crash before the index reached the disk, a
year file restored from a backup) is told by that identity and rebuilt from that file; an
index file that is missing, empty or cut short (a crash on a file system that does not order
a rename after its data) is rebuilt from every year file. Readers rebuild in memory and store
the result when the lock is free at once; writers always store it.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from tinydb import TinyDB
from tinydb.table import Document

from soptrack.sop.errors import BadInput
from soptrack.sop.numbers import ascii_digits
from soptrack.sop.office import OfficeProfile, profile_from_dict, profile_to_dict
from soptrack.sop.run import (
    Actor,
    HistoryEntry,
    Run,
    StepRecord,
    entry_to_dict,
    new_run,
    record_from_dict,
    run_from_dict,
    run_to_dict,
)
from soptrack.sop.versions import SopVersion
from soptrack.store import backups, layout, migrate, schema
from soptrack.store import catalog as catalog_mod
from soptrack.store import storage as storage_mod
from soptrack.store.errors import StoreBusy, StoreCorrupt, StoreError
from soptrack.store.index import entry_of, finished, run_doc_of, year_of
from soptrack.store.paths import expand
from soptrack.store.storage import AtomicJSONStorage

RUNS = migrate.RUNS
INDEX = migrate.INDEX
YEARS = migrate.YEARS
OFFICE = "office"
T = TypeVar("T")
Tables = dict[str, Any]
# how many parsed runs a repository remembers (the runs a TUI or a CLI command works on)
PARSED_RUNS = 64


def _reading(method: Callable[..., T]) -> Callable[..., T]:
    """Run a read under the cache lock: the parsed files are shared by the process's
    threads, and a transaction in another thread changes them in place (a reader iterating
    the index while a new run is added to it would fail, or show what is not written yet)."""

    @functools.wraps(method)
    def read(*args: Any, **kwargs: Any) -> T:
        with storage_mod.CACHE_LOCK:
            return method(*args, **kwargs)

    return read


def file_identity(path: Path) -> list[int] | None:
    """layout.identity() of the file and its journal, None when it cannot be read."""
    try:
        found = layout.identity(os.stat(path))
    except OSError:
        return None
    return found + layout.journal_identity(path)


class _View:
    """One reader's look at the set: the main file's tables and the repaired index."""

    # index: doc id -> entry

    def __init__(self, main: Tables, index: dict[str, Any], years: dict[int, Tables] | None):
        self.main = main
        self.index = index
        self.years = years  # the year files' tables, when an old file was split in memory


class Repository:
    def __init__(self, path: str | os.PathLike[str], *, lock_timeout: float = 10.0) -> None:
        # resolved: users of a symlink and of the real path must share one file and one lock
        self.path = _resolve(expand(str(path), "database"))
        self.lock_timeout = lock_timeout
        # the lock's module is imported on the first write: readers never pay
        self._lock: Any = None
        # (year file, doc id) -> the stored document a Run was last built from, and that Run
        self._parsed: dict[tuple[Path, str], tuple[dict[str, Any], Run]] = {}
        # (year file, doc id) -> id(entry) -> (entry, its stored form), of the run last written
        self._written: dict[
            tuple[Path, str], dict[int, tuple[HistoryEntry, dict[str, Any], bytes]]
        ] = {}
        self._memo_lock = threading.Lock()  # the TUI reads and writes from worker threads
        self._index_path = layout.index_path(self.path)
        self._year_paths: dict[int, Path] = {}

    # -- plumbing --------------------------------------------------------------------------

    def _open(self, path: Path | None = None) -> TinyDB:
        return TinyDB(str(path or self.path), storage=AtomicJSONStorage)

    def year_path(self, year: int) -> Path:
        # pathlib builds a path in ~5 us, and a step asks for its year's a few times
        found = self._year_paths.get(year)
        if found is None:
            found = self._year_paths[year] = layout.year_path(self.path, year)
        return found

    @property
    def index_path(self) -> Path:
        return self._index_path

    def files(self) -> list[Path]:
        """Every file of the database that exists: the main file, the index, the years."""
        found = [p for p in (self.path, self.index_path) if p.exists()]
        return found + list(layout.year_files(self.path).values())

    @contextmanager
    def reading(self) -> Iterator[TinyDB]:
        """The main file (office, letters, catalog...), migrated first if it is an old one."""
        with storage_mod.CACHE_LOCK:  # the parsed file is shared with other threads
            self._view()
            db = self._open()
            try:
                yield db
            finally:
                db.close()

    @contextmanager
    def transaction_lock(self, timeout: float | None = None) -> Iterator[None]:
        """The inter-process lock alone (one for the whole set), with a clear message when
        it is busy (after `timeout` seconds; the repository's own when None)."""
        # imported on the first write, not by read-only commands (start-up time)
        from soptrack.store.fair_lock import FairLock, LockTimeout

        lock = self._lock
        if lock is None:  # made once: two threads must never each make their own
            with self._memo_lock:
                if self._lock is None:
                    self._lock = FairLock(
                        str(self.path) + ".lock", timeout=self.lock_timeout, mode=0o664
                    )
                lock = self._lock
        try:
            try:
                lock.acquire(timeout)
            except FileNotFoundError:  # a new database in a folder not made yet
                try:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise StoreError(
                        f"folder {self.path.parent} tidak dapat dibuat: {exc.strerror}"
                    ) from None
                lock.acquire(timeout)
        except LockTimeout:
            raise StoreBusy(
                f"database {self.path} sedang dipakai (database busy) lebih dari "
                f"{self.lock_timeout:g} detik; coba lagi sebentar lagi"
            ) from None
        except PermissionError:
            raise StoreError(
                f"tidak ada izin membuat kunci {self.path}.lock; minta admin memberi izin "
                "tulis untuk grup kantor pada folder itu"
            ) from None
        except OSError as exc:  # a read-only or full disk, a folder in the lock's place
            raise storage_mod.lock_error(lock.path, str(self.path), exc) from None
        try:
            yield
        finally:
            lock.release()  # the object acquired, whatever self._lock is now

    @contextmanager
    def transaction(self) -> Iterator[TinyDB]:
        """Lock, fresh read of the main file, yield, one atomic write of it. An exception
        writes nothing. For the tables of the main file (office, letters, catalog...)."""
        with self.transaction_lock(), storage_mod.CACHE_LOCK:
            self._migrate_locked()
            db = self._open()
            store = db.storage
            assert isinstance(store, AtomicJSONStorage)
            try:
                yield db
            except BaseException:
                store.discard()
                raise
            store.flush()

    @contextmanager
    def _runs_transaction(
        self, timeout: float | None = None, *, verify: bool = True
    ) -> Iterator[_Writer]:
        """Lock, fresh reads, yield a writer; the main file (when it changed) and the year
        files are written first, then the index. An exception writes nothing. `verify=False`
        (one run changed): see _Writer."""
        with self.transaction_lock(timeout), storage_mod.CACHE_LOCK:
            self._migrate_locked()
            writer = _Writer(self, verify=verify)
            try:
                yield writer
                with storage_mod.deferred_release():
                    writer.flush()
            except BaseException:
                # the parsed files were changed in place: a failed write (a read-only main
                # file, a full disk) must not leave this process seeing what is not on disk
                writer.discard()
                raise

    def initialize(self) -> bool:
        """Create the main file (with its schema version) and the index if they do not
        exist yet."""
        if self.path.exists():
            return False
        with self.transaction() as db:
            store = db.storage
            store.write(store.read() or {})
        with self._runs_transaction():
            pass  # a missing index is written
        return True

    def signature(self) -> object:
        """Changes whenever any process writes the database: an admin change rewrites the
        main file, a transition the index (and a restore removes it). Cheap polling for the
        TUI: two stats."""
        index = str(self.index_path)
        return (
            storage_mod.stat_signature(str(self.path)),
            storage_mod.stat_signature(index),
            storage_mod.stat_signature(storage_mod.journal_of(index)),
        )

    def catalog_signature(self) -> object:
        """Changes whenever the SOP catalog may have (it lives in the main file)."""
        return storage_mod.stat_signature(str(self.path))

    def exists(self) -> bool:
        return self.path.exists()

    # -- the set of files --------------------------------------------------------------------

    def _read(self, path: Path) -> Tables:
        return AtomicJSONStorage(str(path)).read() or {}

    def _view(self) -> _View:
        main = self._read(self.path)
        if migrate.needs_split(main) or migrate.holds_index(main):
            try:
                # one try: a reader holds the cache lock, which a writer of another thread
                # takes after the file lock (and every writer migrates first anyway)
                with self.transaction_lock(timeout=0):
                    self._migrate_locked()
            except StoreError:
                # no write access (or busy): serve the old file, migrated in memory
                if migrate.needs_split(main):
                    tables, years = migrate.split(main, str(self.path))
                    return _View(tables, tables[INDEX], years)
                index, _ = self._repaired_index(main, copy_on_change=True)
                return _View(main, index, None)
            main = self._read(self.path)
        stored = self.index_tables()
        index, rebuilt = self._repaired_index(stored or {}, copy_on_change=True)
        if (rebuilt or stored is None) and main:  # reading a new database creates nothing
            self._store_index()
        return _View(main, index, None)

    def _index_store(self) -> AtomicJSONStorage:
        return AtomicJSONStorage(
            str(self.index_path), durable=False, kind=schema.INDEX_KIND, journal=True
        )

    def index_tables(self, store: AtomicJSONStorage | None = None) -> Tables | None:
        """The index file's tables (`index`, `years`); None when it is missing or cannot be
        read: derived data, rebuilt from the year files, never an error. A soptrack
        database of its own at that name is refused rather than overwritten."""
        store = store or self._index_store()
        try:
            data = store.read()
        except StoreError:
            storage_mod.forget(store.path)
            return None
        if data is None:
            return None
        if schema.kind_of(data) != schema.INDEX_KIND:
            if schema.version_of(data) is not None:  # soptrack's, and not an index
                raise StoreError(
                    f"file {self.index_path} adalah database lain, bukan indeks {self.path}; "
                    "pindahkan salah satunya ke folder lain (tidak ada yang diubah)"
                )
            storage_mod.forget(store.path)
            return None
        return data

    def _store_index(self) -> None:
        """Write the rebuilt index if the lock is free right now; a reader never waits for
        it (the holder of the lock writes it anyway) and may have no write access."""
        with contextlib.suppress(StoreError), self._runs_transaction(timeout=0):
            pass

    def fold_journals(self, timeout: float = 2.0) -> int:
        """Write each file that has a journal whole again, the journal folded into it (the
        TUI on closing): the files are whole when no soptrack is open, for a copy of
        `*.json` or an edit by hand. Returns how many files were folded. A busy lock or a
        failed write folds nothing and is no error: a journal is read with its file."""
        years = [
            year
            for year, path in layout.year_files(self.path).items()
            if os.path.exists(storage_mod.journal_of(str(path)))
        ]
        index = os.path.exists(storage_mod.journal_of(str(self.index_path)))
        if not years and not index:
            return 0
        try:
            with self._runs_transaction(timeout, verify=False) as writer:
                for year in years:
                    writer.year_runs(year)
                    writer.stores[year].write(writer.tables[year])  # nothing touched: whole
                    writer.written.add(year)
                writer.whole = True
                writer.index_store.write(writer.index_tables)
        except StoreError:
            return 0
        return len(years) + index

    def rebuild_index(self) -> bool:
        """Rebuild the whole index from the year files and store it if it differs from the
        stored one (doctor: an index edited by hand, an entry that reads wrong); returns
        whether it did. Raises StoreError when a year file cannot be read."""
        with self._runs_transaction() as writer:
            fresh: dict[str, Any] = {}
            for path in layout.year_files(self.path).values():
                for doc_id, doc in self._read(path).get(RUNS, {}).items():
                    fresh[doc_id] = entry_of(doc)
            if fresh == writer.index and not writer.whole:
                return False
            writer.replace_index(fresh)
            return True

    def _migrate_locked(self) -> None:
        """Under the lock: turn an old single-file database into the main file + years
        (schema 2), and move the index out of the main file into its own (schema 3). The
        main file is written last, after a backup of the old one (a migrated file always
        gets one): a crash before it leaves the old file, migrated again next time."""
        store = AtomicJSONStorage(str(self.path))
        data = store.read()
        if not data or not (migrate.needs_split(data) or migrate.holds_index(data)):
            return
        self.index_tables()  # refuses a database of its own where the index goes
        if migrate.needs_split(data):
            tables, years = migrate.split(data, str(self.path))
            recorded: dict[str, Any] = {}
            for year, year_tables in sorted(years.items()):
                path = self.year_path(year)
                if path.exists():  # left by a migration that was interrupted: keep a copy
                    backups.rotate(str(path), force=True)
                storage_mod.forget(str(path))
                year_store = AtomicJSONStorage(str(path), journal=True)
                year_store.write(year_tables)
                year_store.flush()
                recorded[str(year)] = {"year": year, "file": file_identity(path)}
            tables[YEARS] = recorded
        else:
            tables = dict(data)
        # the identities move with the entries: an entry of a year file that changed since
        # is rebuilt as any stale entry is
        moved = {INDEX: tables.pop(INDEX, {}), YEARS: tables.pop(YEARS, {})}
        index_store = self._index_store()
        index_store.write(moved)
        with contextlib.suppress(StoreError):  # lost derived data: rebuilt from the years
            index_store.flush()
        store.write(tables)
        store.flush()

    def _repaired_index(
        self,
        tables: Tables,
        *,
        copy_on_change: bool,
        on_disk: dict[int, list[int] | None] | None = None,
    ) -> tuple[dict[str, Any], bool]:
        """The index, with the entries of every year file it was not written for rebuilt
        from that file; and whether anything was rebuilt. `tables` holds `index` and
        `years`: the index file's, or an old main file's. `on_disk`: the year files'
        identities, when the caller listed the folder already."""
        index: dict[str, Any] = tables.get(INDEX, {})
        recorded: dict[str, Any] = tables.get(YEARS, {})
        stale = []
        if on_disk is None:
            on_disk = layout.year_identities(self.path)
        for year, found in on_disk.items():
            seen = recorded.get(str(year))
            # a year file that cannot be read (None) is stale once, not at every read
            if not isinstance(seen, dict) or seen.get("file") != found:
                stale.append((year, self.year_path(year)))
        if not stale:
            return index, False
        if copy_on_change:
            index = dict(index)
        for year, path in stale:
            for key in [k for k, e in index.items() if e.get("year") == year]:
                del index[key]
            for doc_id, doc in self._read(path).get(RUNS, {}).items():
                index[doc_id] = entry_of(doc)
        return index, True

    # -- runs ------------------------------------------------------------------------------

    def list_runs(
        self,
        *,
        history: bool = True,
        years: Iterable[int] | None = None,
        unfinished: bool = False,
        offset: int = 0,
        limit: int | None = None,
        problems: list[str] | None = None,
    ) -> list[Run]:
        """Runs of `years` (all when None), plus every unfinished run with `unfinished`:
        the newest year first, by number within a year; `offset`/`limit` take a page of
        them, and only the page is built.

        `history=False` is for read-only views: the runs come from the index file alone
        (no history, notes or extra data; never to be written back). With `problems`, a
        run whose document does not read (a hand edit) is left out with the reason, naming
        its file; without, that error is raised."""
        # Only the stored documents are gathered under the cache lock: a write puts new
        # ones rather than changing them, so the Runs (seconds for thousands of runs with
        # their history) are built outside it, while the event loop's reads go on.
        no_year: list[str] = []  # entries that name no year file (damaged by hand)
        with storage_mod.CACHE_LOCK:
            view = self._view()
            keys = self._select(view.index, years, unfinished)
            keys = keys[offset : None if limit is None else offset + limit]
            if not history:
                found = [(run_doc_of(view.index[k]), k, self.index_path) for k in keys]
            else:
                by_year: dict[int, list[str]] = {}
                for key in keys:
                    year = year_of(view.index[key])
                    if year is None:
                        no_year.append(key)
                    else:
                        by_year.setdefault(year, []).append(key)
                docs: dict[str, tuple[dict[str, Any], Path]] = {}
                for year, year_keys in by_year.items():
                    path = self.year_path(year)
                    runs = self._year_tables(view, year).get(RUNS, {})
                    for key in year_keys:
                        if key in runs:
                            docs[key] = (runs[key], path)
                found = [(docs[k][0], k, docs[k][1]) for k in keys if k in docs]
        for key in no_year:
            missing = self._no_year(key)
            if problems is None:
                raise missing
            problems.append(str(missing))
        runs = []
        for doc, key, path in found:
            try:
                runs.append(self._run(doc, key, path))
            except StoreCorrupt as exc:
                if problems is None:
                    raise
                problems.append(str(exc))
                if path == self.index_path:  # a damaged entry: the run as its year file has it
                    with contextlib.suppress(StoreError):
                        year_doc = self._check_year_doc(doc, key)
                        if year_doc is not None:
                            runs.append(self._run(year_doc, key, self.year_path(year_doc["year"])))
        return runs

    @_reading
    def count_runs(self, *, years: Iterable[int] | None = None, unfinished: bool = False) -> int:
        """How many runs list_runs would give, from the index alone."""
        return len(self._select(self._view().index, years, unfinished))

    @staticmethod
    def _select(index: dict[str, Any], years: Iterable[int] | None, unfinished: bool) -> list[str]:
        wanted = None if years is None else set(years)

        def chosen(entry: dict[str, Any]) -> bool:
            return (
                wanted is None or year_of(entry) in wanted or (unfinished and not finished(entry))
            )

        def order(key: str) -> tuple[int, int]:
            year = year_of(index[key])
            number = int(key) if ascii_digits(key) else 0  # a key edited by hand
            return (-year if year is not None else 0, number)

        return sorted((k for k, e in index.items() if chosen(e)), key=order)

    @_reading
    def years(self) -> dict[int, tuple[int, int]]:
        """Year -> (runs, unfinished runs), from the index."""
        counts: dict[int, tuple[int, int]] = {}
        for entry in self._view().index.values():
            year = year_of(entry)
            if year is None:  # a damaged entry: list views name it, doctor rebuilds it
                continue
            total, open_ = counts.get(year, (0, 0))
            counts[year] = (total + 1, open_ + (not finished(entry)))
        return dict(sorted(counts.items()))

    @_reading
    def run_count(self) -> int:
        """How many runs there are, without building them (the welcome-or-overview choice)."""
        return len(self._view().index)

    @_reading
    def get_run(self, ref: str) -> Run:
        found = self._quick_get(ref)
        if found is not None:
            return found
        view = self._view()
        key, entry = self._find(view.index, ref)
        year = self._year_of(key, entry)
        path = self.year_path(year)
        doc = self._year_tables(view, year).get(RUNS, {}).get(key)
        if doc is None:
            raise self._missing(path, ref)
        return self._run(doc, key, path)

    def _quick_get(self, ref: str) -> Run | None:
        """The run, found through the index as stored, without checking the index against
        every year file (a pass over the folder): a run's number, code and year never
        change, and its year file is read fresh (by its own identity) anyway. None when the
        index does not list it or its file does not hold it (an index a crash left behind,
        a damaged one, an old database): then get_run() checks, repairs and says why."""
        main = self._read(self.path)
        if migrate.needs_split(main) or migrate.holds_index(main):
            return None
        stored = self.index_tables()
        index = stored.get(INDEX) if stored is not None else None
        if not isinstance(index, dict):
            return None
        try:
            key, entry = self._find(index, ref)
        except BadInput:
            return None
        year = entry.get("year")
        if not isinstance(year, int):
            return None
        path = self.year_path(year)
        doc = self._read(path).get(RUNS, {}).get(key)
        if not isinstance(doc, dict):
            return None
        return self._run(doc, key, path)

    def _year_tables(self, view: _View, year: int) -> Tables:
        if view.years is not None:
            return view.years.get(year, {})
        return self._read(self.year_path(year))

    def _missing(self, path: Path, ref: str) -> StoreError:
        found = backups.latest(path)
        fix = (
            f"pulihkan cadangan: soptrack restore ({found})"
            if found
            else "periksa: soptrack doctor"
        )
        return StoreCorrupt(
            f"database {path} tidak ada atau tidak memuat run {ref}, padahal indeks di "
            f"{self.index_path} mencatatnya; tidak diubah. {fix}"
        )

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
        with self._runs_transaction() as writer:
            number = None
            if version is not None:
                number, added = _pin(writer.main, version)
                if added:
                    writer.change_main()
            doc_id = max((int(k) for k in writer.index), default=0) + 1
            run = new_run(f"{code}-{doc_id}", sop_id, step_numbers, title, year, actor, now, number)
            writer.put(str(doc_id), run_to_dict(run))
            return run

    def update_run(self, ref: str, change: Callable[[Run], Run]) -> Run:
        """Apply `change` to the run as it is in its file now, under the lock."""
        if not self.path.exists():  # a mistyped --db: no folder or lock file is made for it
            raise BadInput(f"run {ref!r} tidak ada: database {self.path} belum ada; periksa --db")
        with self._runs_transaction(verify=False) as writer:
            try:
                key, entry = self._find(writer.index, ref)
            except BadInput:
                if writer.verified:
                    raise
                writer.verify()  # an index a crash left behind may not list it yet
                key, entry = self._find(writer.index, ref)
            year = self._year_of(key, entry)
            checked = writer.verified
            runs = writer.year_runs(year)
            if not checked and writer.verified:
                # its year was stale (a file put back by hand): the run is where the
                # repaired index says, if it is anywhere
                key, entry = self._find(writer.index, ref)
                year = self._year_of(key, entry)
                runs = writer.year_runs(year)
            doc = runs.get(key)
            if doc is None:
                raise self._missing(self.year_path(year), ref)
            slot = (self.year_path(year), key)
            run = change(self._run(doc, key, slot[0]))
            updated, history = self._doc_of(run, slot)
            # fields this version does not know (a later schema's) are kept as they were
            stored = {**doc, **updated}
            path = str(slot[0])
            writer.put(
                key,
                stored,
                lambda: _encoded(stored, history, path),
                _patch(key, doc, stored, history, path),
            )
            return run

    def _run(self, doc: dict[str, Any], doc_id: str, path: Path) -> Run:
        """A run document that does not parse means the file was damaged or hand-edited."""
        try:
            return self._parse_run(doc, (path, doc_id))
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            if path == self.index_path:  # derived: rebuilt from the year files
                self._check_year_doc(doc, doc_id)  # unless the run there is the damaged one
                raise StoreCorrupt(
                    f"indeks {path} rusak: run #{doc_id} tidak lengkap ({exc!r}); "
                    "bangun ulang dari file tahun: soptrack doctor"
                ) from None
            backup = backups.latest(path)
            fix = (
                f"pulihkan cadangan: soptrack restore ({backup})" if backup else "perbaiki file itu"
            )
            raise StoreCorrupt(
                f"database {path} rusak: run #{doc_id} tidak lengkap ({exc!r}); tidak diubah. {fix}"
            ) from None

    def _check_year_doc(self, entry: Any, doc_id: str) -> dict[str, Any] | None:
        """An index entry that does not read is rebuilt from its year file by `doctor`;
        when the document in the year file does not read either, rebuilding cannot help:
        the error names the year file (and its backup) instead, as reading the run would.
        Returns the year file's document when it reads (None: the file does not hold it)."""
        year = year_of(entry) if isinstance(entry, dict) else None
        if year is None:
            return None
        path = self.year_path(year)
        with storage_mod.CACHE_LOCK:  # a year file that cannot be read says so, naming it
            doc = self._read(path).get(RUNS, {}).get(doc_id)
        if not isinstance(doc, dict):
            return None  # the index lists a run its year file does not hold: doctor rebuilds
        try:
            run_from_dict(doc, history=False)
        except (KeyError, ValueError, TypeError, AttributeError):
            self._run(doc, doc_id, path)  # raises, naming the year file and its backup
        return doc

    def _doc_of(self, run: Run, slot: tuple[Path, str]) -> tuple[dict[str, Any], list[bytes]]:
        """run_to_dict(run), and the JSON of each history entry. The stored form and JSON of
        each entry this process wrote before are taken from then: entries never change once
        written, so only the new ones are converted and encoded again (the same objects: the
        history is carried over entry by entry). A run's history is most of its bytes."""
        before = self._written.get(slot, {})
        doc = run_to_dict(replace(run, history=()))
        entries: dict[int, tuple[HistoryEntry, dict[str, Any], bytes]] = {}
        history = []
        encoded = []
        path = str(slot[0])
        for entry in run.history:
            known = before.get(id(entry))
            if known is None or known[0] is not entry:
                stored = entry_to_dict(entry)
                known = (entry, stored, storage_mod.dump_json(stored, path))
            entries[id(entry)] = known
            history.append(known[1])
            encoded.append(known[2])
        doc["history"] = history
        with self._memo_lock:
            _remember(self._written, slot, entries)
        return doc, encoded

    def _parse_run(self, doc: dict[str, Any], slot: tuple[Path, str]) -> Run:
        """run_from_dict(doc), reusing what the run was last built from: the same document
        (read again, unchanged) gives that Run; a document whose history starts with the same
        entries (this process's own write, one entry appended) parses only the new entries.
        A run's history is most of its bytes and only ever grows at the end, so a transition
        and the re-read after it cost the run's steps and one entry, not its whole history."""
        known = self._parsed.get(slot)
        if known is not None and known[0] is doc:
            run = known[1]
            # Run.extra is the one mutable field: each caller gets its own copy, as
            # run_from_dict would give
            return replace(run, extra=copy.deepcopy(run.extra)) if run.extra else run
        history = doc.get("history")
        reused: tuple[Any, ...] = ()
        if known is not None and isinstance(history, list):
            old_history = known[0].get("history")
            old_entries = known[1].history
            if isinstance(old_history, list) and len(old_history) == len(old_entries):
                same = 0
                for new, old in zip(history, old_history, strict=False):
                    if new is not old and new != old:
                        break
                    same += 1
                reused = old_entries[:same]
        if reused:
            rest = run_from_dict({**doc, "history": history[len(reused) :], "steps": []})  # type: ignore[index]
            steps = _steps_reusing(doc.get("steps"), known[0].get("steps"), known[1].steps)  # type: ignore[index]
            run = replace(rest, history=reused + rest.history, steps=steps)
        else:
            run = run_from_dict(doc)
        with self._memo_lock:
            _remember(self._parsed, slot, (doc, run))
        return run

    def _year_of(self, key: str, entry: dict[str, Any]) -> int:
        year = year_of(entry)  # made text by hand: reading the run there names the damage
        if year is None:
            raise self._no_year(key)
        return year

    def _no_year(self, key: str) -> StoreCorrupt:
        return StoreCorrupt(
            f"indeks {self.index_path} rusak: run #{key} tanpa tahun; bangun ulang dari "
            "file tahun: soptrack doctor"
        )

    def _find(self, index: dict[str, Any], ref: str) -> tuple[str, dict[str, Any]]:
        ref = ref.strip()
        number = ref.rsplit("-", 1)[-1]
        digits = ascii_digits(number)
        key = str(int(number)) if digits else ""
        entry = index.get(key) if digits else None
        if not isinstance(entry, dict) or (ref != number and entry.get("id") != ref):
            raise BadInput(f"run {ref!r} tidak ada di {self.path}; lihat daftar: soptrack runs")
        return key, entry

    # -- the SOP catalog (store/catalog.py) --------------------------------------------------

    def sop_versions(self) -> list[SopVersion]:
        """Every stored version of every SOP."""
        with self.reading() as db:
            return self._versions(db)

    def _versions(self, db: TinyDB) -> list[SopVersion]:
        return self._checked(lambda: catalog_mod.versions(db))

    def _checked(self, read: Callable[[], list[SopVersion]]) -> list[SopVersion]:
        try:
            return read()
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
        with self._runs_transaction() as writer:
            runs = [dict(entry) for entry in writer.index.values()]
            version = decide(self._checked(lambda: catalog_mod.versions_in(writer.main)), runs)
            if version is None:
                return None, []
            catalog_mod.insert_into(writer.main, version)
            writer.change_main()
            ids = []
            for key, entry in list(writer.index.items()):
                if entry.get("sop_id") != version.sop_id or entry.get("sop_version") is not None:
                    continue
                doc = writer.year_runs(self._year_of(key, entry)).get(key)
                if doc is not None:
                    writer.put(key, {**doc, "sop_version": version.version})
                    ids.append(str(doc.get("id")))
            return version, ids

    def run_documents(self) -> Iterator[dict[str, Any]]:
        """Every run as stored, history included, year by year (doctor's chain check)."""
        with storage_mod.CACHE_LOCK:
            view = self._view()
            years = sorted(
                {e.get("year") for e in view.index.values() if isinstance(e.get("year"), int)}
            )
            docs = [
                copy.deepcopy(doc)
                for year in years
                for doc in self._year_tables(view, year).get(RUNS, {}).values()
            ]
        yield from docs

    # -- office profile --------------------------------------------------------------------

    @_reading
    def get_office(self) -> OfficeProfile:
        """The main file alone, as every schema kept it: not the index (asked under the
        lock of every transition). Under the cache lock: a transaction of another thread
        changes the parsed main file in place before it writes (and drops it on failure)."""
        doc = self._read(self.path).get(OFFICE, {}).get("1")
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

    @_reading
    def rows(self, table_name: str) -> list[dict[str, Any]]:
        """A table of the main file (letters...), as every schema kept it; under the cache
        lock, as get_office."""
        table = self._read(self.path).get(table_name, {})
        return [copy.deepcopy(doc) for doc in table.values()]


def _remember(memo: dict[Any, Any], key: Any, value: Any) -> None:
    """memo[key] = value, forgetting the oldest entry beyond PARSED_RUNS."""
    memo.pop(key, None)
    if len(memo) >= PARSED_RUNS:
        memo.pop(next(iter(memo)))
    memo[key] = value


def _steps_reusing(
    steps: Any, old_steps: Any, old_records: tuple[StepRecord, ...]
) -> tuple[StepRecord, ...]:
    """The run's step records, each one whose stored form is unchanged since the last parse
    taken from then (a transition changes one or two of them)."""
    if not isinstance(steps, list):
        raise TypeError(f"steps is {type(steps).__name__}, not a list")
    if not isinstance(old_steps, list) or len(old_steps) != len(old_records):
        old_steps, old_records = [], ()
    out = []
    for index, data in enumerate(steps):
        if index < len(old_steps) and (data is old_steps[index] or data == old_steps[index]):
            out.append(old_records[index])
        else:
            out.append(record_from_dict(data))
    return tuple(out)


def _patch(
    key: str, before: dict[str, Any], doc: dict[str, Any], history: list[bytes], path: str
) -> bytes | None:
    """The journal op of a run whose history only grew (every step, note and undo adds an
    entry): its new entries, the steps that changed and its other fields. None when the
    history was not a prefix (a document put back by hand): the whole document goes to the
    journal then."""
    old = before.get("history")
    new = doc["history"]
    if not isinstance(old, list) or len(old) > len(new):
        return None
    for was, now in zip(old, new, strict=False):
        # an entry's hash seals its content and every entry before it: equal hashes are
        # equal entries (a run read again from its file: other objects, the same entries)
        sealed = isinstance(was, dict) and was.get("hash")
        if was is not now and not (sealed and sealed == now.get("hash")) and was != now:
            return None
    fields = {name: value for name, value in doc.items() if name not in ("history", "steps")}
    steps = doc["steps"]
    old_steps = before.get("steps")
    items: dict[str, dict[str, Any]] = {}
    if isinstance(old_steps, list) and len(old_steps) == len(steps):
        pairs = enumerate(zip(old_steps, steps, strict=True))
        items["steps"] = {str(i): step for i, (was, step) in pairs if was != step}
    else:
        fields["steps"] = steps
    return storage_mod.patch_op(
        RUNS,
        key,
        storage_mod.dump_json(fields, path),
        storage_mod.dump_json(items, path),
        "history",
        history[len(old) :],
    )


def _encoded(doc: dict[str, Any], history: list[bytes], path: str) -> bytes:
    """dump_json(doc) for a run document whose `history` entries are already encoded (in
    that order): the rest of the document is encoded, the history joined in as it is."""
    head = storage_mod.dump_json({k: v for k, v in doc.items() if k != "history"}, path)
    joined = b'"history":[%s]}' % b",".join(history)
    return head[:-1] + (b"," if len(head) > 2 else b"") + joined


def _resolve(path: Path) -> Path:
    try:
        return path.resolve()
    except (RuntimeError, OSError):  # a symlink loop (RuntimeError before Python 3.13)
        raise BadInput(
            f"database {path}: rantai symlink berputar (symlink loop); pakai --db FILE lain"
        ) from None


def _pin(main: Tables, version: SopVersion) -> tuple[int, bool]:
    """The stored number of `version`: its own, the newest stored one when it has the same
    text, else a new one stored now in the main file's catalog; and whether it was stored."""
    if version.version:
        return version.version, False
    mine = [v for v in catalog_mod.versions_in(main) if v.sop_id == version.sop_id]
    newest = max(mine, key=lambda v: v.version, default=None)
    if newest is not None and newest.digest == version.digest:
        return newest.version, False
    number = newest.version + 1 if newest else 1
    catalog_mod.insert_into(main, replace(version, version=number))
    return number, True


class _Writer:
    """One runs transaction: the main file, the year files it touches and the index, each
    written once, re-serializing only the documents it changed.

    `verify=False` is for a transaction that changes runs it finds by number (a step of
    one run): the index is not checked against every year file first. A run's number, code
    and year never change, so the stored index finds it; and the index entries of a year
    file are checked (and the whole index repaired when they are stale) before that file
    is read, so the identity recorded for it after the write is only ever that of entries
    rebuilt from it. The other years' recorded identities stay as they were: whatever a
    crash left stale there is still seen as stale by the next reader."""

    def __init__(self, repo: Repository, *, verify: bool = True) -> None:
        self.repo = repo
        self.main: Tables
        self.main_store = AtomicJSONStorage(str(repo.path))
        # read even when only runs change: a damaged or newer main file stops every write
        main = self.main_store.read()
        self.main = main if main is not None else {}
        if main is None:  # a new database: the main file carries its schema version
            self.change_main()
        # one pass over the folder: the year files' identities and a killed writer's
        # temporary files (removed at flush)
        self.scan = layout.Scan(repo.path)
        self.index_store = repo._index_store()
        stored = repo.index_tables(self.index_store)
        self.index_tables: Tables = stored if stored is not None else {}
        self.whole = False  # the index is written whole (rebuilt, or none before)
        self.verified = False
        self.stores: dict[int, AtomicJSONStorage] = {}
        self.tables: dict[int, Tables] = {}
        self.written: set[int] = set()
        index = self.index_tables.get(INDEX)
        if verify or stored is None or not isinstance(index, dict):
            self.verify()
        else:
            self.index: dict[str, Any] = index
            self.index_tables.setdefault(YEARS, {})

    def verify(self) -> None:
        """Check the index against every year file, rebuilding the entries of those it was
        not written for."""
        if self.verified:
            return
        self.verified = True
        index, rebuilt = self.repo._repaired_index(
            self.index_tables, copy_on_change=False, on_disk=self.scan.years
        )
        self.whole = self.whole or rebuilt or INDEX not in self.index_tables
        self.index = index
        self.index_tables[INDEX] = index
        self.index_tables.setdefault(YEARS, {})
        if self.whole:
            self._record_all()

    def _record_all(self) -> None:
        self.index_tables[YEARS] = {
            str(year): {"year": year, "file": found} for year, found in self.scan.years.items()
        }
        self.index_store.write(self.index_tables)

    def replace_index(self, index: dict[str, Any]) -> None:
        """The whole index, rebuilt from every year file (doctor)."""
        self.index.clear()
        self.index.update(index)
        self.whole = True
        self._record_all()

    def year_runs(self, year: int) -> dict[str, Any]:
        if year not in self.stores:
            if not self.verified:
                recorded = self.index_tables[YEARS].get(str(year))
                found = self.scan.identity(year)
                if not isinstance(recorded, dict) or recorded.get("file") != found:
                    self.verify()  # its entries are stale: the whole index is checked
            store = AtomicJSONStorage(str(self.repo.year_path(year)), journal=True)
            self.stores[year] = store
            self.tables[year] = store.read() or {}
        return self.tables[year].setdefault(RUNS, {})

    def change_main(self) -> None:
        """The main file's tables were changed (a new SOP version): write it too."""
        self.main_store.write(self.main)

    def put(
        self,
        key: str,
        doc: dict[str, Any],
        encoded: storage_mod.Encoded | None = None,
        op: bytes | None = None,
    ) -> None:
        """`encoded`: the document's JSON, when the caller built it from parts it keeps;
        `op`: its journal op, when a patch says it in fewer bytes."""
        year = int(doc["year"])
        self.year_runs(year)[key] = doc
        store = self.stores[year]
        store.write(self.tables[year])
        store.touch(RUNS, key, encoded, op)
        self.written.add(year)
        self.index[key] = entry_of(doc)
        self.index_store.write(self.index_tables)
        if not self.whole:
            self.index_store.touch(INDEX, key)

    def flush(self) -> None:
        """The main file first (a run may follow the SOP version it adds), then the year
        files, one folder fsync for them: all on disk before the index is replaced, which
        is not synced. A failed index write loses nothing: the year files' new identities
        tell every reader the old index is stale. (Syncing the folder on a thread while
        the index is written was tried: slower, the hand-over costs more than it hides.)"""
        if not self.main_store.pending:
            # a main file made read-only (chmod 0444) makes the whole database read-only,
            # as when every write replaced it
            problem = storage_mod.write_problem(str(self.repo.path))
            if problem:
                raise StoreError(f"{problem}; tidak ada yang diubah")
        # a killed writer's temporary files (of any file of the set) go with the next write
        stem = self.repo.path.stem
        years = {*self.scan, *self.stores}
        storage_mod.remove_stale_among(
            self.scan.hidden,
            str(self.repo.path),
            also=(layout.index_name(stem), *(layout.year_name(stem, y) for y in years)),
            writing=True,
        )
        self.main_store.flush(clean=False)  # nothing when the main file did not change
        replaced = [self.stores[year].flush(sync_dir=False, clean=False) for year in self.written]
        if any(replaced):
            storage_mod.fsync_dir(str(self.repo.path.parent))
        for year in self.written:
            path = self.repo.year_path(year)
            self.index_tables[YEARS][str(year)] = {"year": year, "file": file_identity(path)}
            if not self.whole:
                self.index_store.touch(YEARS, str(year))
        with contextlib.suppress(StoreError):  # derived: rebuilt by the next reader or writer
            self.index_store.flush(clean=False)

    def discard(self) -> None:
        for store in self.stores.values():
            store.discard()
        self.main_store.discard()
        self.index_store.discard()
