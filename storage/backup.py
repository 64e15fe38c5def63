"""Consistent online backups of the SQLite database and checked restores that keep a safety copy."""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from storage.files import ensure_private

REQUIRED_TABLES = {"alembic_version", "members", "messages", "inbox", "dedupe_keys", "outbox"}


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why in one line."""


def sqlite_path(url: str) -> Path:
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url.endswith(":memory:"):
        raise BackupError("backup/restore work on a SQLite file (storage.url = sqlite:///…) or a PostgreSQL database")
    return Path(url[len(prefix):])


def backup(url: str, target: Path) -> dict[str, int]:
    """Copy the live database to ``target`` with SQLite's online backup API (consistent while serving); a
    PostgreSQL database is dumped with ``pg_dump`` (see ``storage.pg_backup``)."""
    if target.exists():
        raise BackupError(f"{target} exists; choose a new file")
    if not target.parent.is_dir():
        raise BackupError(f"cannot write {target}: folder {target.parent} does not exist")
    if url.startswith("postgresql"):
        return _pg_dump(url, target)
    source = sqlite_path(url)
    if not source.exists():
        raise BackupError(f"no database at {source}")
    tmp = target.with_name(target.name + ".partial")
    try:
        _copy(source, tmp)
    except (OSError, sqlite3.Error) as exc:
        tmp.unlink(missing_ok=True)
        raise BackupError(f"cannot write {target}: {_reason(exc)}") from None
    os.replace(tmp, target)
    return check(target)


def _pg_dump(url: str, target: Path) -> dict[str, int]:
    from sqlalchemy.exc import SQLAlchemyError

    from storage.pg_backup import PgToolMissing, dump

    try:
        return dump(url, target)
    except (PgToolMissing, RuntimeError, OSError) as exc:
        raise BackupError(f"cannot back up to {target}: {_reason(exc)}") from None
    except SQLAlchemyError as exc:
        raise BackupError(f"cannot back up to {target}: {str(getattr(exc, 'orig', exc)).strip()}") from None


def _reason(exc: BaseException) -> str:
    return (exc.strerror if isinstance(exc, OSError) else None) or str(exc)


def _copy(source: Path, target: Path) -> None:
    """SQLite's online backup of ``source`` into a new owner-only file (consistent while serving)."""
    ensure_private(target)  # a backup holds every member's data: owner-only before the first page is copied
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def check(path: Path) -> dict[str, int]:
    """Integrity check and schema sanity of a database file; returns row counts of key tables."""
    if not path.is_file():
        raise BackupError(f"cannot read {path}: no such file")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"{path}: cannot open: {exc}") from None
    try:
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{path}: not a quntag database: {exc}") from None
        if not result or result[0] != "ok":
            raise BackupError(f"{path}: integrity check failed: {result[0] if result else '?'}")
        missing = REQUIRED_TABLES - tables
        if missing:
            raise BackupError(f"{path}: not a quntag database (missing {', '.join(sorted(missing))})")
        return {t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
                for t in ("groups", "members", "messages")}
    finally:
        conn.close()


class ServeLock:
    """An advisory lock ``<db>.lock`` held by ``quntag serve`` for its lifetime (released by the OS even
    on SIGKILL), so a restore never swaps the file under a running server and two servers never share it."""

    def __init__(self, url: str) -> None:
        self.path = Path(str(sqlite_path(url)) + ".lock") if url.startswith("sqlite:///") else None
        self._fd: int | None = None

    def acquire(self) -> bool:
        if self.path is None:
            return True
        ensure_private(self.path)
        fd = os.open(self.path, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def fileno(self) -> int | None:
        """The locked descriptor (None: not held): a forked child closes its copy, so the lock ends with the
        process that took it."""
        return self._fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


@dataclass(frozen=True, slots=True)
class Restored:
    """Row counts of the restored database and where the database it replaced was kept (None: there was
    none)."""

    counts: dict[str, int]
    safety_copy: Path | None


def restore(url: str, source: Path, confirm: Callable[[dict[str, int]], None],
            clock: Callable[[], float] = time.time) -> Restored:
    """Check ``source``, let ``confirm`` see its row counts (it raises to stop: nothing is changed), keep a
    copy of the current database beside it, then put ``source`` in its place (quntag serve must be stopped).
    A PostgreSQL database is restored with ``pg_restore`` by hand: this says how, in one line."""
    if url.startswith("postgresql"):
        from storage.pg_backup import PgToolMissing, restore_hint

        try:
            raise BackupError(restore_hint(url, source))
        except PgToolMissing as exc:
            raise BackupError(f"cannot restore {source}: {exc}") from None
    counts = check(source)
    target = sqlite_path(url)
    if not target.parent.is_dir():
        raise BackupError(f"cannot restore into {target}: folder {target.parent} does not exist")
    lock = ServeLock(url)
    if not lock.acquire():
        raise BackupError(f"{target} is in use by quntag serve; stop it before restoring")
    try:
        confirm(counts)
        safety = _safety_copy(target, clock()) if target.exists() else None
        try:
            _replace(source, target)
        except (OSError, sqlite3.Error) as exc:
            raise BackupError(f"cannot restore into {target}: {_reason(exc)}") from None
        return Restored(counts, safety)
    finally:
        lock.release()


def _safety_copy(target: Path, now: float) -> Path:
    """``<name>.before-restore-<local time>.db`` beside the database. A database too damaged for SQLite's
    backup (often why one restores) is copied byte for byte, with its write-ahead log."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    copy = target.with_name(f"{target.stem}.before-restore-{stamp}.db")
    n = 1
    while copy.exists():
        n += 1
        copy = target.with_name(f"{target.stem}.before-restore-{stamp}-{n}.db")
    try:
        _copy(target, copy)
    except sqlite3.Error:
        copy.unlink(missing_ok=True)
        ensure_private(copy)
        shutil.copyfile(target, copy)
        wal = Path(str(target) + "-wal")
        if wal.exists():
            ensure_private(Path(str(copy) + "-wal"))
            shutil.copyfile(wal, Path(str(copy) + "-wal"))
    except OSError as exc:
        copy.unlink(missing_ok=True)
        raise BackupError(f"cannot keep a safety copy at {copy}: {_reason(exc)}; nothing restored") from None
    return copy


def _replace(source: Path, target: Path) -> None:
    tmp = target.with_name(target.name + ".restoring")
    ensure_private(tmp)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    for suffix in ("-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    os.replace(tmp, target)
