"""A TinyDB storage that is safe for several processes sharing one file.

TinyDB's JSONStorage keeps a handle open and writes in place (seek, write, truncate): a kill
mid-write leaves old bytes after the new ones, and a process holding the old handle after
another's os.replace writes into a deleted file. This storage instead opens the file by path
on every read, and writes a whole new file (temporary file, fsync, os.replace, fsync of the
directory), so a reader always sees either the old or the new database, never a mix.

Writes are deferred until `flush()`: one repository transaction may touch several tables and
still costs exactly one atomic write. Parsed data is cached by the file's identity (inode,
size, mtime, ctime): a transaction that finds the file unchanged skips the parse.

The file is written one document per line (still plain JSON: a newline is never inside a
JSON string). A transaction that says which documents it changed (`touch`) re-serializes
only those: every other document's line is reused from the bytes last read or written, so a
transition costs the serialization of one run plus the write, not a json.dumps of the year.

A file opened with `journal=True` (the year files and the index) may also take a
transaction as one appended line in a journal beside it (`kantor.2026.journal.json`):
the changed documents, or for a run only its new history entries and fields. An append and
one fdatasync cost a fraction of a whole new file, and the year's size no longer matters.
The file is the state as of its last whole write plus the journal's complete lines; the
journal's first line names the file version it continues (a token in the file's meta), so
a journal left behind by a whole write that replaced its file (a crash between the two, a
restore) is ignored, never applied twice. A line cut short by a killed writer is not
complete: readers leave it out, the next writer cuts it off. A process's first write of a
file is always whole, and a journal is folded into its file (a whole write) once it
outgrows a quarter of the file, when a backup is due, and when the TUI closes: a CLI
command leaves whole files behind, as before.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import gc
import itertools
import json
import os
import stat
import tempfile
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import queue

from tinydb.storages import Storage

from soptrack.sop.numbers import ascii_digits
from soptrack.store import backups, schema, shared
from soptrack.store.errors import StoreCorrupt, StoreError
from soptrack.store.layout import JOURNAL_END, journal_of

_Signature = tuple[int, int, int, int]
# the file's signature and its journal's (None: no journal)
_Signatures = tuple[_Signature, _Signature | None]
# table -> doc id -> the document's line, `"<id>":{...}` exactly as in the file (no comma)
_Lines = dict[str, dict[str, bytes]]
# path -> (signature of the file parsed, parsed data, file needs a backup before next write)
_CACHE: dict[str, tuple[_Signatures, dict[str, Any], bool]] = {}
# The cached dict is shared by every thread of the process (the TUI's workers, an export
# thread), and a transaction changes it in place: whoever reads or writes it holds this.
CACHE_LOCK = threading.RLock()
# path -> the raw bytes behind the cached parse, or its lines once split (for `touch`)
_RAW: dict[str, bytes | _Lines] = {}
# path -> (its journal's signature, the bytes of it applied: whole lines, the last line
# applied) when the cached parse applied a journal that continues the file
_APPLIED: dict[str, tuple[_Signature, int, bytes]] = {}
# path -> table -> doc ids the journal changed since the file's lines in _RAW were read
_DIRTY: dict[str, dict[str, set[str]]] = {}
# the files this process wrote whole: only those take its later writes in their journal
_WHOLE_WRITTEN: set[str] = set()
# whether writes may go to journals at all (tests of the whole-write path turn it off)
JOURNALS = True
# a journal is folded into its file once it would outgrow this, or a quarter of the file
JOURNAL_MIN_LIMIT = 32 * 1024
# a document's JSON, or what makes it (only a whole write needs it)
Encoded = bytes | Callable[[], bytes]
_APPEND_FLAGS = os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC


# a read that raced a fold (the file replaced between its parse and its journal's) reads again
_READ_TRIES = 10


class _JournalChanged(Exception):
    """The journal is not the one read before (a fold replaced it, a failed sync cut a line
    a reader had applied): the file is read again, whole."""


def _signature(st: os.stat_result) -> _Signature:
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def forget(path: str) -> None:
    """Drop the cached parse of `path` (after a restore, or in tests)."""
    path = os.path.abspath(path)
    with CACHE_LOCK:
        _CACHE.pop(path, None)
        _RAW.pop(path, None)
        _APPLIED.pop(path, None)
        _DIRTY.pop(path, None)


def stat_signature(path: str) -> _Signature | None:
    try:
        return _signature(os.stat(path))
    except FileNotFoundError:
        return None


def _given(encoded: Encoded | None) -> bytes | None:
    """A document's JSON as the caller gave it (made now when it gave what makes it)."""
    return encoded() if callable(encoded) else encoded


def _journal_signature(path: str) -> _Signature | None:
    try:
        return _signature(os.stat(journal_of(path)))
    except OSError:  # none (an unreadable one is named when it is read)
        return None


class AtomicJSONStorage(Storage):
    """`durable=False` is for derived data (the run index): the file is still replaced
    atomically, but neither it nor its folder is fsynced and no backup is kept of it. After
    a crash it may be the previous file, or (on a file system that does not order a rename
    after the data it names) empty or cut short; its reader rebuilds it then. `kind` marks
    the file's meta (schema.INDEX_KIND)."""

    def __init__(
        self,
        path: str,
        *,
        durable: bool = True,
        kind: str | None = None,
        journal: bool = False,
    ) -> None:
        self.path = os.path.abspath(path)
        self.durable = durable
        self.kind = kind
        self.journal = journal  # may this storage write to the journal (every read applies it)
        self._pending: dict[str, Any] | None = None
        # None: the whole file is serialized again; else the only documents changed (with
        # their JSON when the caller gave it)
        self._touched: dict[str, dict[str, Encoded | None]] | None = None
        # (table, doc id) -> the journal op of a document that says more briefly what
        # changed (a run: its new history entries), from the caller
        self._ops: dict[tuple[str, str], bytes] = {}

    # -- reading ---------------------------------------------------------------------------

    def read(self) -> dict[str, Any] | None:
        if self._pending is not None:
            return self._pending
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        except PermissionError:
            raise _permission_error(self.path, "membaca") from None
        except (OSError, ValueError) as exc:
            # e.g. a parent that is a file (ENOTDIR), a name too long, a NUL in the path
            why = exc.strerror if isinstance(exc, OSError) else str(exc)
            raise StoreError(f"database {self.path} tidak dapat dibuka: {why}") from None
        if stat.S_ISDIR(st.st_mode):
            raise StoreCorrupt(
                f"database {self.path} adalah folder, bukan file; pindahkan folder itu "
                "atau pakai --db FILE"
            )
        if not stat.S_ISREG(st.st_mode):
            # a FIFO would block the read forever; a device would be replaced by a file
            raise StoreCorrupt(
                f"database {self.path} bukan file biasa ({stat.filemode(st.st_mode)}); "
                "pakai --db FILE"
            )
        sig = _signature(st)
        jsig = _journal_signature(self.path)
        cached = _CACHE.get(self.path)
        if cached and cached[0] == (sig, jsig):
            return cached[1]
        applied = _APPLIED.get(self.path)
        if (
            cached
            and applied
            and jsig is not None
            and cached[0][0] == sig
            and applied[0][0] == jsig[0]  # the same journal, grown (another process's step)
            and jsig[1] >= applied[1]
        ):
            try:
                grown = self._replay(cached[1], applied[1], None, inode=jsig[0], last=applied[2])
            except _JournalChanged:
                grown = None  # not the journal applied: the file is read again, whole
            except BaseException:
                forget(self.path)
                raise
            if grown is not None:
                _APPLIED[self.path] = (jsig, *grown)
                _CACHE[self.path] = ((sig, jsig), cached[1], cached[2])
                return cached[1]
            forget(self.path)
        for _ in range(_READ_TRIES):
            data, migrated, raw, replayed = self._parse_with_journal(jsig)
            # a journal ignored (or replaced while it was read) may be one that a fold by
            # another process left behind after it replaced the file read: read again
            if replayed is not None or jsig is None:
                break
            now_sig, now_jsig = stat_signature(self.path), _journal_signature(self.path)
            if now_sig is None or (now_sig, now_jsig) == (sig, jsig):
                break  # a journal of an earlier version of this file, as it stays
            sig, jsig = now_sig, now_jsig
        _DIRTY.pop(self.path, None)
        if replayed is not None and jsig is not None:
            _DIRTY[self.path] = replayed[2]
            _APPLIED[self.path] = (jsig, replayed[0], replayed[1])
        else:
            _APPLIED.pop(self.path, None)
        _RAW[self.path] = raw
        _CACHE[self.path] = ((sig, jsig), data, migrated)
        return data

    def _parse_with_journal(
        self, jsig: _Signature | None
    ) -> tuple[dict[str, Any], bool, bytes, tuple[int, bytes, dict[str, set[str]]] | None]:
        """The file parsed and its journal applied: (data, migrated, raw bytes, and (the
        journal's bytes applied, its last line, the documents it changed) or None when no
        journal continues the file)."""
        data, migrated, raw = self._parse()
        token = None if migrated else schema.journal_token(data)
        replayed = None
        dirty: dict[str, set[str]] = {}
        if jsig is not None and token is not None:
            with contextlib.suppress(_JournalChanged):
                replayed = self._replay(data, 0, token, raw, inode=jsig[0], dirty=dirty)
        return data, migrated, raw, None if replayed is None else (*replayed, dirty)

    def _replay(
        self,
        data: dict[str, Any],
        start: int,
        token: str | None,
        base: bytes = b"",
        *,
        inode: int | None = None,
        last: bytes = b"",
        dirty: dict[str, set[str]] | None = None,
    ) -> tuple[int, bytes] | None:
        """Apply the journal's complete lines from byte `start` (0: from its header, which
        must name `token` and the size and CRC-32 of the file's bytes, `base`) to `data`;
        the byte after the last line applied and that line, None when the journal does not
        continue this file (it is then left alone). `inode` and `last` (the line that ends
        at `start`): the journal read before, unchanged up to there, else _JournalChanged
        (a line whose sync failed is cut off again; a fold replaces the journal). Every
        line with its newline was written whole: one that does not read is damage.
        `dirty` (else this process's cache's): notes the documents changed."""
        jpath = journal_of(self.path)
        try:
            # not blocking on a FIFO, not following a link to /dev/zero: a regular file
            fd = os.open(jpath, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
            with open(fd, "rb") as handle:
                jst = os.fstat(fd)
                if not stat.S_ISREG(jst.st_mode):
                    raise StoreCorrupt(
                        f"jurnal {jpath} bukan file biasa ({stat.filemode(jst.st_mode)}); "
                        f"pindahkan itu (mv {jpath} {jpath}.lama)"
                    )
                if inode is not None and jst.st_ino != inode:
                    raise _JournalChanged
                handle.seek(start - len(last))
                chunk = handle.read()
        except FileNotFoundError:
            if inode is not None:
                raise _JournalChanged from None
            return None
        except OSError as exc:
            if isinstance(exc, PermissionError):
                raise _permission_error(jpath, "membaca") from None
            if exc.errno == errno.ELOOP:
                raise StoreCorrupt(
                    f"jurnal {jpath} adalah tautan (symlink), bukan file biasa; pindahkan "
                    f"itu (mv {jpath} {jpath}.lama)"
                ) from None
            raise StoreError(f"jurnal {jpath} tidak dapat dibaca: {exc.strerror}") from None
        if last:
            if not chunk.startswith(last):
                raise _JournalChanged
            chunk = chunk[len(last) :]
        pos = 0
        if start == 0:
            end = chunk.find(b"\n")
            if end < 0:
                return None  # no whole header: nothing was ever written after it
            try:
                header = json.loads(chunk[:end])
            except (ValueError, RecursionError):
                header = None
            if not isinstance(header, dict) or not isinstance(header.get("base"), str):
                raise self._corrupt_journal(jpath, "baris pertama bukan kepala jurnal")
            if header["base"] != token:
                return None  # a journal of an earlier version of the file: folded already
            if header.get("size") != len(base) or header.get("crc") != zlib.crc32(base):
                # the file was changed by hand after the journal was begun: which of the two
                # holds the truth is for a person to say
                raise StoreCorrupt(
                    f"database {self.path} diubah di luar soptrack, sedangkan jurnalnya "
                    f"{jpath} berisi langkah-langkah sesudahnya; tidak diubah. Kembalikan "
                    f"file itu (soptrack restore), atau pindahkan jurnalnya (mv {jpath} "
                    f"{jpath}.lama) untuk memakai file itu tanpa langkah-langkah tersebut"
                )
            pos = end + 1
        lines = chunk[pos:].split(b"\n")[:-1]  # the last piece has no newline yet: torn
        try:  # one parse for them all (a cold read replays dozens); line by line to name one
            if not all(line.startswith(b'{"tx":') and line.endswith(b"}") for line in lines):
                raise ValueError("bukan satu catatan per baris")
            parsed = json.loads(b"[%s]" % b",".join(lines), parse_constant=_not_a_number)
            if len(parsed) != len(lines):  # joined, damaged lines may read as others
                raise ValueError("bukan satu catatan per baris")
            records = [_ops_of(record) for record in parsed]
        except (ValueError, TypeError, KeyError, RecursionError):
            records = []
            for number, line in enumerate(lines):
                try:
                    records.append(_ops_of(json.loads(line, parse_constant=_not_a_number)))
                except (ValueError, TypeError, KeyError, RecursionError) as exc:
                    why = f"catatan ke-{number + 1}: {exc}"
                    raise self._corrupt_journal(jpath, why) from None
            raise self._corrupt_journal(jpath, "catatan tidak terbaca") from None
        if dirty is None:
            dirty = _DIRTY.setdefault(self.path, {})
        for ops in records:
            for op in ops:
                try:
                    _apply(data, op)
                except (ValueError, TypeError, KeyError, IndexError) as exc:
                    raise self._corrupt_journal(jpath, str(exc)) from None
                dirty.setdefault(op["t"], set()).add(op["id"])
        if lines:
            last = lines[-1] + b"\n"
            pos += sum(len(line) + 1 for line in lines)
        return start + pos, last

    def read_afresh(self) -> dict[str, Any] | None:
        """The file as any new reader sees it (its journal applied), parsed again without
        touching this process's cache: for measuring, and for comparing with a backup."""
        if not os.path.exists(self.path):
            return None
        return self._parse_with_journal(_journal_signature(self.path))[0]

    def _corrupt_journal(self, jpath: str, why: str) -> StoreCorrupt:
        return StoreCorrupt(
            f"jurnal {jpath} rusak ({why[:200]}); tidak diubah. Pindahkan jurnal itu "
            f"(mv {jpath} {jpath}.rusak): {os.path.basename(self.path)} lalu terbaca tanpa "
            "langkah-langkah terakhirnya; atau pulihkan cadangan: soptrack restore"
        )

    def _parse(self) -> tuple[dict[str, Any], bool, bytes]:
        try:
            with open(self.path, "rb") as handle:
                raw = handle.read()
        except PermissionError:
            raise _permission_error(self.path, "membaca") from None
        except OSError as exc:
            raise StoreError(f"database {self.path} tidak dapat dibaca: {exc.strerror}") from None
        if not raw.strip():
            raise self._corrupt("file kosong (empty file)")
        try:
            data = _loads(raw)
        except (ValueError, RecursionError) as exc:
            # ValueError covers JSONDecodeError, UnicodeDecodeError and over-long integers;
            # RecursionError is what deeply nested brackets raise
            raise self._corrupt(f"JSON rusak: {str(exc)[:200]}") from None
        if not _tinydb_shaped(data):
            raise self._corrupt("bukan database soptrack (struktur tidak dikenal)")
        try:
            upgraded, migrated = schema.upgrade(data, self.path)
        except schema.ForeignFile as exc:
            raise self._corrupt(str(exc)) from None
        return upgraded, migrated, b"" if migrated else raw

    def _corrupt(self, why: str) -> StoreCorrupt:
        backup = backups.latest(self.path)
        fix = (
            f"pulihkan cadangan terakhir {backup} dengan: soptrack restore"
            if backup
            else "tidak ada cadangan; perbaiki atau pindahkan file itu"
        )
        return StoreCorrupt(f"database {self.path} rusak ({why}); tidak diubah. {fix}")

    # -- writing ---------------------------------------------------------------------------

    def write(self, data: dict[str, Any]) -> None:
        self._pending = data

    @property
    def pending(self) -> bool:
        """Whether flush() will write (something was written in this transaction)."""
        return self._pending is not None

    def touch(
        self,
        table: str,
        doc_id: int | str,
        encoded: Encoded | None = None,
        op: bytes | None = None,
    ) -> None:
        """Declare a document this transaction changes. A transaction that declares every
        change lets flush() reuse the other documents' bytes; one that declares nothing
        has the whole file serialized again (the safe default). `encoded`: the document's
        JSON (dump_json of it) where the caller has it already, from parts it keeps. `op`:
        the journal line's op for it (patch_op), when a patch says it in fewer bytes."""
        if self._touched is None:
            self._touched = {}
        key = str(doc_id)
        self._touched.setdefault(table, {})[key] = encoded
        if op is not None:
            self._ops[(table, key)] = op
        else:
            self._ops.pop((table, key), None)

    def discard(self) -> None:
        # TinyDB changes the cached dict in place, and a transaction may fail after mutating
        # a document it read (before any write()): the cache can no longer be trusted.
        forget(self.path)
        self._pending = None
        self._touched = None
        self._ops = {}

    def flush(self, *, sync_dir: bool = True, clean: bool = True) -> bool:
        """Write what the transaction changed, atomically; nothing if nothing changed.
        `sync_dir=False` when another file of the same folder is flushed right after (its
        directory fsync makes both renames durable); `clean=False` when the caller removed
        stale temporary files in this transaction already (remove_stale_temps). Returns
        whether the file was replaced (a folder fsync is due when `sync_dir=False`): not
        when nothing changed or the journal took the transaction."""
        if self._pending is None:
            return False
        data = self._pending
        touched, self._touched = self._touched, None
        ops, self._ops = self._ops, {}
        self._pending = None
        try:
            record = self._journal_record(data, touched, ops)
            if record is not None and touched is not None:
                self._append(data, touched, record)
                return False
            token = os.urandom(8).hex() if self.journal else None
            data = schema.stamp(data, self.kind, token)
            payload, lines = self._serialize(data, touched)
            self._write_atomically(data, payload, sync_dir=sync_dir, clean=clean)
        except OSError as exc:
            forget(self.path)
            raise write_error(self.path, exc) from None
        except BaseException:
            forget(self.path)
            raise
        _RAW[self.path] = lines
        _DIRTY.pop(self.path, None)
        _APPLIED.pop(self.path, None)
        if self.journal:
            _WHOLE_WRITTEN.add(self.path)
        return True

    def _journal_record(
        self,
        data: dict[str, Any],
        touched: dict[str, dict[str, Encoded | None]] | None,
        ops: dict[tuple[str, str], bytes],
    ) -> bytes | None:
        """The journal line of this transaction, or None when it is written whole: a file
        without a journal, a transaction that did not say what it changed, this process's
        first write of the file, a backup due, or a journal grown past its limit."""
        if not (JOURNALS and self.journal) or touched is None:
            return None
        if self.path not in _WHOLE_WRITTEN:
            return None
        cached = _CACHE.get(self.path)
        if cached is None or cached[1] is not data or cached[2]:
            return None
        if schema.journal_token(data) is None:
            return None
        if self.durable and backups.due(self.path):
            return None
        parts = []
        for table, docs in touched.items():
            name = self._dump(table)
            rows = data.get(table, {})
            for key, encoded in docs.items():
                op = ops.get((table, key))
                if op is None:
                    doc = rows.get(key)
                    if doc is None:
                        op = b'{"t":%s,"id":"%s","del":true}' % (name, key.encode())
                    else:
                        body = _given(encoded) or self._dump(doc)
                        op = b'{"t":%s,"id":"%s","doc":%s}' % (name, key.encode(), body)
                parts.append(op)
        record = b'{"tx":[' + b",".join(parts) + b"]}\n"
        applied = _APPLIED.get(self.path)
        used = applied[1] if applied is not None and applied[0] == cached[0][1] else 0
        if used + len(record) > max(JOURNAL_MIN_LIMIT, cached[0][0][1] // 4):
            return None  # folded into the file now
        return record

    def _append(
        self, data: dict[str, Any], touched: dict[str, dict[str, Encoded | None]], record: bytes
    ) -> None:
        """Add the transaction's line to the journal, durably (fdatasync: the journal's
        name is on disk already); a journal that does not continue the file yet is made
        new, whole, with its header, in one os.replace."""
        jpath = journal_of(self.path)
        directory = os.path.dirname(self.path)
        problem, base = _write_check(self.path)  # a year made read-only stays read-only
        if problem:
            raise StoreError(f"{problem}; tidak ada yang diubah")
        cached = _CACHE[self.path]
        sig, jsig = cached[0]
        applied = _APPLIED.get(self.path)
        try:
            if applied is not None and jsig is not None and applied[0] == jsig:
                jst, end = self._append_to(jpath, record, jsig, applied[1])
            else:
                token = self._dump(schema.journal_token(data))
                with open(self.path, "rb") as handle:  # the file it continues, as it is
                    base_bytes = handle.read()
                header = b'{"base":%s,"size":%d,"crc":%d}\n' % (
                    token,
                    len(base_bytes),
                    zlib.crc32(base_bytes),
                )
                fd, tmp = _create_temp(jpath)
                try:
                    _fill(fd, (header, record), base, directory, durable=self.durable)
                    os.replace(tmp, jpath)
                except BaseException:
                    with contextlib.suppress(OSError):
                        os.unlink(tmp)
                    raise
                if self.durable:
                    fsync_dir(directory)
                jst, end = os.stat(jpath), len(header) + len(record)
        except OSError as exc:
            raise write_error(jpath, exc) from None
        new = _signature(jst)
        _CACHE[self.path] = ((sig, new), data, False)
        _APPLIED[self.path] = (new, end, record)
        dirty = _DIRTY.setdefault(self.path, {})
        for table, docs in touched.items():
            dirty.setdefault(table, set()).update(docs)

    def _append_to(
        self, jpath: str, record: bytes, jsig: _Signature, start: int
    ) -> tuple[os.stat_result, int]:
        fd = os.open(jpath, _APPEND_FLAGS)
        try:
            st = os.fstat(fd)
            if st.st_ino != jsig[0] or st.st_size < start:
                raise StoreError(
                    f"jurnal {jpath} diubah di luar soptrack selama penulisan; tidak ada "
                    "yang diubah, coba lagi"
                )
            if st.st_size > start:
                os.ftruncate(fd, start)  # a killed writer's record, cut short
            try:
                view = memoryview(record)
                while view:
                    view = view[os.write(fd, view) :]
                if self.durable:
                    os.fdatasync(fd)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, start)  # a full disk: the journal as it was
                    # a later time: a reader never takes it for the journal it read
                    _advance_mtime(fd, st.st_mtime_ns)
                raise
            # each version of the journal a later mtime than the last, to the nanosecond
            _advance_mtime(fd, st.st_mtime_ns)
            return os.fstat(fd), start + len(record)
        finally:
            os.close(fd)

    def _serialize(
        self, data: dict[str, Any], touched: dict[str, dict[str, Encoded | None]] | None
    ) -> tuple[list[bytes], _Lines]:
        """The file's bytes in pieces (written one after the other, never joined: a year
        file is megabytes), one document per line, and those lines for the next write."""
        known = _lines_of(self.path) if touched is not None else {}
        dirty = _DIRTY.get(self.path)
        if touched is not None and dirty:
            # documents the journal changed: their lines in the file are out of date
            touched = {table: dict(given) for table, given in touched.items()}
            for table, keys in dirty.items():
                stale = touched.setdefault(table, {})
                for key in keys:
                    stale.setdefault(key, None)
        lines: _Lines = {}
        pieces = [b"{\n"]
        for name, table in data.items():
            reuse = known.get(name, {}) if touched is not None and name in touched else {}
            changed = touched.get(name, {}) if touched is not None else {}
            docs: dict[str, bytes] = {}
            for doc_id, doc in table.items():
                key = str(doc_id)
                line: bytes | None
                if key in changed:
                    encoded = _given(changed[key])
                    line = None if encoded is None else b'"%s":%s' % (key.encode(), encoded)
                else:
                    line = reuse.get(key)
                docs[key] = (
                    line if line is not None else b'"%s":%s' % (key.encode(), self._dump(doc))
                )
            lines[name] = docs
            if len(pieces) > 1:
                pieces.append(b",\n")
            pieces.append(self._dump(name) + b":{\n")
            for line in docs.values():
                pieces += (line, b",\n")
            if docs:
                pieces[-1] = b"\n}"
            else:
                pieces.append(b"\n}")
        pieces.append(b"\n}\n")
        return pieces, lines

    def _dump(self, value: Any) -> bytes:
        return dump_json(value, self.path)

    def _write_atomically(
        self, data: dict[str, Any], payload: list[bytes], *, sync_dir: bool, clean: bool
    ) -> None:
        directory = os.path.dirname(self.path)
        problem, old = _write_check(self.path)  # `old`: the file replaced, stat once
        if problem:
            raise StoreError(f"{problem}; tidak ada yang diubah")
        if clean:
            remove_stale_temps(self.path, writing=True)
        try:
            fd, tmp = _create_temp(self.path)
        except PermissionError:
            raise _permission_error(directory, "menulis di folder") from None
        except OSError as exc:
            raise write_error(self.path, exc) from None
        previous: str | None = None
        try:
            # the index too: a reader must never take a new version for the one it read
            later = old.st_mtime_ns if old else 0
            _fill(fd, payload, old, directory, durable=self.durable, later_than=later)
            cached = _CACHE.get(self.path)
            if self.durable and cached and old and _signature(old) == cached[0][0]:
                # the journal the file is read with is kept with it (a copy)
                applied = _APPLIED.get(self.path)
                journal = applied is not None and applied[0] == cached[0][1]
                backups.rotate(
                    self.path, force=cached[2], journal=journal_of(self.path) if journal else None
                )
            if old is not None:
                previous = _hold_previous(self.path)
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            if previous is not None:
                _unlink_quietly(previous)
            raise
        if sync_dir and self.durable:
            fsync_dir(directory)
        _CACHE[self.path] = ((_signature(os.stat(self.path)), None), data, False)
        if previous is not None:
            _release_later(previous)
        if self.journal and _journal_signature(self.path) is not None:
            if self.durable and not sync_dir:
                # the file's new version on disk before its journal goes: were the journal's
                # rename to reach the disk first, a crash would leave the old file alone
                fsync_dir(directory)
            # folded into the file now (and ignored by its token, should this not happen)
            folded = _hold_previous(journal_of(self.path), move=True)
            if folded is not None:
                _release_later(folded)

    def close(self) -> None:
        self._pending = None
        self._touched = None
        self._ops = {}


def dump_json(value: Any, path: str) -> bytes:
    """`value` as the file stores it (compact UTF-8 JSON); StoreError naming `path` for text
    or a number that cannot be stored. NaN and infinity are refused: Python would write
    `Infinity`, which is not JSON (other readers of the file refuse it)."""
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except ValueError:
        raise StoreError(
            f"tidak menulis {path}: angka tak hingga atau bukan angka (inf/nan); "
            "tidak ada yang diubah"
        ) from None
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        # lone surrogates (invalid UTF-8 from argv or a pasted file) cannot be stored
        bad = text[exc.start : exc.end].encode("utf-8", "backslashreplace").decode()
        raise StoreError(
            f"tidak menulis {path}: teks berisi karakter yang tidak sah ({bad}); "
            "tidak ada yang diubah"
        ) from None


# numbers this process's temporary files (with its pid, so names never collide between
# processes; O_EXCL settles any other collision)
_TEMP_NUMBERS = itertools.count()
_TEMP_FLAGS = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def _fill(
    fd: int,
    pieces: Iterable[bytes],
    like: os.stat_result | None,
    directory: str,
    *,
    durable: bool,
    later_than: int | None = None,
) -> None:
    """Write a new temporary file (closing `fd`): its bytes, the mode and group of the file
    it stands for (`like`; None: the folder's default), an mtime later than `later_than`,
    and on disk before it is renamed into place when `durable`."""
    with open(fd, "wb") as handle:
        handle.writelines(pieces)
        handle.flush()
        shared.match_permissions_fd(fd, like, directory)
        if later_than is not None:
            _advance_mtime(fd, later_than)
        if durable:
            os.fsync(fd)


def _create_temp(path: str) -> tuple[int, str]:
    """A new private file beside `path`, named after it (see remove_stale_temps). Opened
    directly: tempfile.mkstemp spent ~0.08 ms a file on its random names, twice per
    transition. A name taken already (a file planted in a shared folder) is skipped; after
    a hundred, mkstemp's random names take over."""
    directory = os.path.dirname(path)
    stem = os.path.join(directory, f"{_tmp_prefix(path)}{os.getpid()}-n")
    for _ in range(100):
        name = f"{stem}{next(_TEMP_NUMBERS)}.tmp"
        try:
            return os.open(name, _TEMP_FLAGS, 0o600), name
        except FileExistsError:
            continue
    return tempfile.mkstemp(prefix=_tmp_prefix(path), suffix=".tmp", dir=directory)


def _hold_previous(path: str, *, move: bool = False) -> str | None:
    """A second name for the file about to be replaced, so that the replace does not free
    its blocks: freeing a year file of several MB took about 2.5 ms of every transition at
    2,000 runs, and even a file of 12 KB takes ~0.2 ms to free on ext4 (a rename over it:
    0.2 ms, against 0.02-0.05 ms for the link and the rename together). The name is a
    temporary file of this database (a killed writer's is removed like any other, by the
    next writer or `doctor`)."""
    name = f"{_tmp_prefix(path)}{os.getpid()}-{time.monotonic_ns()}.old.tmp"
    held = os.path.join(os.path.dirname(path), name)
    try:
        # `move`: a journal that is folded goes (renamed: freeing it costs as much)
        (os.rename if move else os.link)(path, held)
    except OSError:  # no file yet, a file system without hard links: replace as before
        return None
    return held


class _Worker:
    """One background thread that runs small jobs in order, started on the first job: a
    queue put costs a few microseconds where starting a thread per job cost ~0.15 ms. A
    daemon, so it never keeps a process alive; at exit the queue is drained first
    (atexit), so nothing is left behind. A forked child starts its own."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.queue: queue.SimpleQueue[Callable[[], None]] | None = None  # with the thread
        self.pending = 0
        self.idle = threading.Condition()
        self.thread: threading.Thread | None = None

    def put(self, job: Callable[[], None]) -> None:
        """Queue the job; where no thread can be started (a per-user process limit on a
        busy host), run it now: never an error for a write already made, never a wait at
        exit for a job nobody will run."""
        with self.idle:
            if self.thread is None:
                import queue  # with the first write, not at start (readers never need it)

                self.queue = queue.SimpleQueue()
                thread = threading.Thread(target=self._work, name=self.name, daemon=True)
                try:
                    thread.start()
                except RuntimeError:
                    job()
                    return
                self.thread = thread
            self.pending += 1
        assert self.queue is not None
        self.queue.put(job)

    def _work(self) -> None:
        assert self.queue is not None
        while True:
            job = self.queue.get()
            try:
                job()
            finally:
                with self.idle:
                    self.pending -= 1
                    if not self.pending:
                        self.idle.notify_all()

    def wait(self) -> None:
        with self.idle:
            self.idle.wait_for(lambda: not self.pending)


# frees replaced files (_hold_previous)
_RELEASER = _Worker("soptrack-release")


# per thread: the replaced files of the transaction under way (deferred_release)
_BATCH = threading.local()


def _after_fork() -> None:
    global _RELEASER
    _RELEASER = _Worker("soptrack-release")  # the parent's thread does not exist here
    # a fork inside a transaction: the child's own replaced files are freed as it goes
    _BATCH.held = None


os.register_at_fork(after_in_child=_after_fork)


def _release_later(held: str) -> None:
    """Free the replaced file after the write has returned (the caller's screen repaints
    meanwhile); within deferred_release(), after the whole transaction."""
    batch: list[str] | None = getattr(_BATCH, "held", None)
    if batch is not None:
        batch.append(held)
    else:
        _RELEASER.put(lambda: _unlink_quietly(held))


@contextlib.contextmanager
def deferred_release() -> Iterator[None]:
    """Free the files a transaction replaces only once all its files are written. Freeing
    one is journal work (~0.2 ms on ext4): done by the thread while the transaction still
    syncs the folder, it delays that commit."""
    outer = getattr(_BATCH, "held", None)
    if outer is not None:  # nested: the outer transaction frees them
        yield
        return
    held: list[str] = []
    _BATCH.held = held
    try:
        yield
    finally:
        _BATCH.held = None
        if held:
            _RELEASER.put(lambda: _unlink_all(held))


def _unlink_all(held: list[str]) -> None:
    for path in held:
        _unlink_quietly(path)


def released() -> None:
    """Wait until every replaced file this process wrote over is freed (tests, `doctor`,
    and at exit)."""
    _RELEASER.wait()


atexit.register(released)


def _unlink_quietly(held: str) -> None:
    with contextlib.suppress(OSError):  # the next writer's clean-up may have been first
        os.unlink(held)


def _advance_mtime(fd: int, before: int) -> None:
    """Give the new file an mtime later than the one it replaces, to the nanosecond.

    The index recognises a year file by (inode, size, mtime): the kernel stamps files from
    a coarse clock (a tick of several ms) and reuses the inode of a file replaced earlier,
    so two versions of a file could otherwise share all three. With every version's mtime
    strictly later than its predecessor's, an index written for any earlier version (one a
    crash kept on disk, whatever order the renames reached it in) never matches the file."""
    mtime = max(time.time_ns(), before + 1)
    with contextlib.suppress(OSError):  # a file system without fine times: inode and size
        os.utime(fd, ns=(mtime, mtime))


def _lines_of(path: str) -> _Lines:
    """The document lines of the file behind the cached parse; {} when unknown (then every
    document is serialized again). Split on first use, not on every read."""
    raw = _RAW.get(path)
    if isinstance(raw, dict):
        return raw
    lines = _split_lines(raw) if raw else {}
    _RAW[path] = lines
    return lines


def _split_lines(raw: bytes) -> _Lines:
    """Read back the layout _serialize writes; anything else (an older soptrack's file, a
    hand-edited one) gives {}. Only ever called on bytes json.loads accepted."""
    rows = raw.split(b"\n")
    if len(rows) < 2 or rows[0] != b"{":
        return {}
    out: _Lines = {}
    table: dict[str, bytes] | None = None
    for row in rows[1:]:
        if table is None:
            if row.endswith(b":{") and row.startswith(b'"'):
                try:
                    name = json.loads(row[:-2])
                except ValueError:
                    return {}
                table = out.setdefault(name, {})
            elif row not in (b"}", b""):
                return {}
            continue
        if row in (b"}", b"},"):
            table = None
            continue
        if row == b"":
            continue
        row = row[:-1] if row.endswith(b",") else row
        key, sep, doc = row.partition(b'":')
        # one whole document per line, as written here; a file whose lines were broken
        # elsewhere (edited by hand) is serialized again in full instead
        if not sep or not key.startswith(b'"') or not key[1:].isdigit():
            return {}
        if not (doc.startswith(b"{") and doc.endswith(b"}")):
            return {}
        table[key[1:].decode()] = row
    return out


def patch_op(
    table: str, doc_id: str, fields: bytes, items: bytes, field: str, added: list[bytes]
) -> bytes:
    """A journal op that sets a document's `fields` (JSON of an object), replaces the
    `items` of its lists (JSON: {list: {index: value}}) and appends the JSON items `added`
    to its list `field` (a run's history: most of its bytes, which a step only extends)."""
    return b'{"t":"%s","id":"%s","set":%s,"items":%s,"add":{"%s":[%s]}}' % (
        table.encode(),
        doc_id.encode(),
        fields,
        items,
        field.encode(),
        b",".join(added),
    )


def _ops_of(record: Any) -> list[dict[str, Any]]:
    """The ops of one journal line, checked for the shape _apply needs."""
    ops = record.get("tx") if isinstance(record, dict) else None
    if not isinstance(ops, list):
        raise ValueError("bukan catatan jurnal")
    for op in ops:
        if not isinstance(op, dict) or not isinstance(op.get("t"), str):
            raise ValueError("op tanpa tabel")
        key = op.get("id")
        if not isinstance(key, str) or not (key.isascii() and key.isdigit()):
            raise ValueError("op tanpa nomor dokumen")
        if "doc" in op:
            if not isinstance(op["doc"], dict):
                raise ValueError("dokumen bukan objek")
        elif op.get("del") is not True:
            add = op.get("add", {})
            items = op.get("items", {})
            if not isinstance(op.get("set"), dict) or not isinstance(add, dict):
                raise ValueError("op tidak dikenal")
            if not all(isinstance(rows, list) for rows in add.values()):
                raise ValueError("tambahan bukan daftar")
            if not isinstance(items, dict) or not all(
                isinstance(rows, dict) and all(ascii_digits(i) for i in rows)
                for rows in items.values()
            ):
                raise ValueError("penggantian bukan daftar bernomor")
    return ops


def _apply(data: dict[str, Any], op: dict[str, Any]) -> None:
    table = data.setdefault(op["t"], {})
    if not isinstance(table, dict):
        raise ValueError(f"tabel {op['t']} bukan objek")
    key = op["id"]
    if "doc" in op:
        table[key] = op["doc"]
    elif op.get("del") is True:
        table.pop(key, None)
    else:
        old = table.get(key)
        if not isinstance(old, dict):
            raise ValueError(f"dokumen {op['t']} #{key} tidak ada di file")
        new = {**old, **op["set"]}
        for name, rows in op.get("items", {}).items():
            values = new.get(name)
            if not isinstance(values, list):
                raise ValueError(f"{name} dokumen #{key} bukan daftar")
            values = list(values)
            for index, value in rows.items():
                values[int(index)] = value  # IndexError: a journal of another file
            new[name] = values
        for name, rows in op.get("add", {}).items():
            before = old.get(name, [])
            if not isinstance(before, list):
                raise ValueError(f"{name} dokumen #{key} bukan daftar")
            new[name] = [*before, *rows]
        table[key] = new


def _not_a_number(name: str) -> None:
    """`Infinity`, `-Infinity`, `NaN`: not JSON, written by versions before dump_json refused
    them (an office setting of 1e309). Read as no value: kept, they would stop every later
    write of the file (dump_json refuses them), and no figure can mean them."""
    return None


def _loads(raw: bytes) -> Any:
    """json.loads with the cyclic garbage collector paused: parsing creates hundreds of
    thousands of containers but no cycles, and the collections those allocations trigger
    cost more than the parse itself (28 MB at 1,000 runs: 0.40 s -> 0.18 s).

    The parsed objects are then moved straight to the oldest generation (freeze + unfreeze
    relinks the lists, it visits no object), so the young collections that the rest of the
    command triggers do not walk them all again (a cold transition at 2,000 runs: 1.7x ->
    1.3x its floor)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        data = json.loads(raw, parse_constant=_not_a_number)
        gc.freeze()
        gc.unfreeze()
        return data
    finally:
        if was_enabled:
            gc.enable()


def _tmp_prefix(path: str) -> str:
    """Temporary files are named after their database, so a cleanup touches only its own
    (`path`: a file's path, or its name); a journal's are named after its file."""
    name = os.path.basename(path)
    if name.endswith(JOURNAL_END):
        name = name[: -len(JOURNAL_END)] + ".json"
    return f".{name}."


def remove_stale_temps(path: str, *, writing: bool = False) -> int:
    """Remove temporary files a killed writer left behind (SIGKILL, SSH hang-up mid-write),
    before each write; returns how many. `writing`: leave this process's replaced files to
    the thread freeing them (off the write path; a tight loop of writes would otherwise free
    them itself).

    Called under the database's lock: every writer of this database holds it while its
    temporary file exists, so any temporary file of this database found now is garbage.
    """
    try:
        with os.scandir(os.path.dirname(path)) as entries:
            names = [entry.name for entry in entries]
    except OSError:
        return 0
    return remove_stale_among(names, path, writing=writing)


def remove_stale_among(
    names: list[str], path: str, *, also: tuple[str, ...] = (), writing: bool = False
) -> int:
    """remove_stale_temps() among `names`, the folder's files listed under the lock by a
    caller that passed over the folder already. `also`: the names of the other files of the
    set (a database's index and year files), cleaned in the same pass."""
    directory = os.path.dirname(path)
    prefixes = tuple(_tmp_prefix(p) for p in (path, *also))
    pid = os.getpid()
    own = tuple(f"{p}{pid}-" for p in prefixes) if writing else ()  # () matches none
    removed = 0
    for name in names:
        if name.startswith(prefixes) and name.endswith(".tmp") and not _held_here(name, own):
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(directory, name))
                removed += 1
    return removed


# a replaced file held since before this process started is not its own, whatever its pid
_STARTED_NS = time.monotonic_ns()


def _held_here(name: str, own: tuple[str, ...]) -> bool:
    """Whether `name` is a replaced file this process holds (its thread frees it). Only
    those can be this process's live ones: a writer holds the lock, so a temporary file
    with its pid, or a replaced file named before it started, is a killed writer's whose
    pid was reused (_hold_previous names them `<pid>-<monotonic ns>.old.tmp`)."""
    if not name.endswith(".old.tmp") or not name.startswith(own):
        return False
    stamp = name[: -len(".old.tmp")].rpartition("-")[2]
    # isdecimal, not isdigit: a planted name's "²" is a digit int() refuses
    return stamp.isdecimal() and stamp.isascii() and int(stamp) >= _STARTED_NS


def stale_temps(path: str) -> list[str]:
    released()  # this process's own replaced files are not a killed writer's
    prefix = _tmp_prefix(path)
    with contextlib.suppress(OSError), os.scandir(os.path.dirname(path)) as entries:
        return [e.path for e in entries if e.name.startswith(prefix) and e.name.endswith(".tmp")]
    return []


def write_problem(path: str) -> str | None:
    """Why this user cannot replace the database, or None. Writes and `doctor` both ask
    this, so they never disagree: a file made read-only (0444) stays read-only, a folder
    without write permission (0555) or a sticky folder owned by someone else is named."""
    return _write_check(path)[0]


def _write_check(path: str) -> tuple[str | None, os.stat_result | None]:
    """write_problem(), and the file's stat (None: it does not exist yet), which the write
    reuses for the new file's mode and mtime and the backup's check."""
    directory = os.path.dirname(path)
    try:
        dst = os.stat(directory)
    except OSError as exc:
        return f"folder {directory} tidak dapat dibuka: {exc.strerror}", None
    if not os.access(directory, os.W_OK | os.X_OK):
        return (
            f"folder {directory} tidak bisa ditulisi pengguna ini (mode "
            f"{stat.filemode(dst.st_mode)}); minta izin tulis (chmod g+w) atau pakai --db lain"
        ), None
    try:
        st = os.stat(path)
    except OSError:
        return None, None  # created on this write
    if not os.access(path, os.W_OK):
        return (
            f"database {path} hanya-baca (mode {stat.filemode(st.st_mode)}); "
            "beri izin tulis (chmod u+w atau g+w) bila perubahan memang diizinkan"
        ), st
    euid = os.geteuid()
    if dst.st_mode & stat.S_ISVTX and euid not in (0, st.st_uid, dst.st_uid):
        return (
            f"folder {directory} ber-sticky bit (mode {stat.filemode(dst.st_mode)}): hanya "
            f"pemilik {path} yang boleh menggantinya; pakai folder bersama tanpa sticky bit "
            "(soptrack init --shared)"
        ), st
    return None, st


def _tinydb_shaped(data: Any) -> bool:
    """{table: {"<int>": {document}}}: anything else makes TinyDB raise deep inside."""
    if not isinstance(data, dict):
        return False
    for table in data.values():
        if not isinstance(table, dict):
            return False
        for doc_id, doc in table.items():
            if not isinstance(doc, dict) or not (doc_id.isascii() and doc_id.isdigit()):
                return False
    return True


def fsync_dir(directory: str) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_error(path: str, exc: OSError) -> StoreError:
    """A write that failed before os.replace: the database is the old file, whole. One line
    that says why (disk full, read-only, a sticky or immutable folder) and that nothing
    changed."""
    if isinstance(exc, PermissionError):
        return _permission_error(path, "mengganti")
    why = {
        errno.ENOSPC: "disk penuh (no space left on device)",
        errno.EDQUOT: "kuota disk habis (disk quota exceeded)",
        errno.EROFS: "sistem file hanya-baca (read-only file system)",
    }.get(exc.errno or 0, exc.strerror or str(exc))
    return StoreError(f"tidak dapat menulis database {path}: {why}; database tidak diubah")


def lock_problem(lock: str) -> str | None:
    """Why the database's lock file cannot be taken, with the fix, or None (missing: made on
    the next write). Writes and `doctor` both ask this."""
    try:
        st = os.lstat(lock)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"kunci {lock} tidak dapat dibuka: {exc.strerror}"
    if not stat.S_ISREG(st.st_mode):
        return (
            f"kunci {lock} bukan file biasa ({stat.filemode(st.st_mode)}), tidak ada yang bisa "
            f"menulis database; pindahkan itu (mv {lock} {lock}.lama), kuncinya dibuat lagi "
            "pada penulisan berikutnya"
        )
    if not os.access(lock, os.R_OK | os.W_OK):
        return (
            f"kunci {lock} tidak bisa ditulisi pengguna ini (mode {stat.filemode(st.st_mode)}); "
            f"minta admin: chmod g+rw {lock}"
        )
    return None


def lock_error(lock: str, db_path: str, exc: OSError) -> StoreError:
    """The lock file could not be opened: named, when it is the lock that is wrong (a
    folder in its place); else what stopped it (a full or read-only disk) as for a write."""
    problem = lock_problem(lock)
    if problem:
        return StoreError(f"{problem}; database tidak diubah")
    return write_error(db_path, exc)


def _permission_error(path: str, doing: str) -> StoreError:
    try:
        st = os.stat(path)
        who = f" (pemilik {shared.owner(st)}, mode {stat.filemode(st.st_mode)})"
    except OSError:
        who = ""
    return StoreError(
        f"tidak ada izin {doing} {path}{who}; minta admin memberi izin baca/tulis "
        "untuk grup kantor (chmod g+rw) atau pakai --db FILE lain"
    )
