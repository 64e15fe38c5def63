"""Consistent online backups of the SQLite database and checked restores."""

from __future__ import annotations

import fcntl
import os
import sqlite3
from pathlib import Path

from storage.files import ensure_private

REQUIRED_TABLES = {"alembic_version", "members", "messages", "inbox", "dedupe_keys", "outbox"}


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why in one line."""


def sqlite_path(url: str) -> Path:
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url.endswith(":memory:"):
        raise BackupError("backup/restore work on a SQLite file database (storage.url = sqlite:///…)")
    return Path(url[len(prefix):])


def backup(url: str, target: Path) -> dict[str, int]:
    """Copy the live database to ``target`` with SQLite's online backup API (consistent while serving)."""
    source = sqlite_path(url)
    if not source.exists():
        raise BackupError(f"no database at {source}")
    if target.exists():
        raise BackupError(f"{target} exists; choose a new file")
    tmp = target.with_name(target.name + ".partial")
    ensure_private(tmp)  # a backup holds every member's data: owner-only before the first page is copied
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    try:
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()
    os.replace(tmp, target)
    return check(target)


def check(path: Path) -> dict[str, int]:
    """Integrity check and schema sanity of a database file; returns row counts of key tables."""
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

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def restore(url: str, source: Path) -> dict[str, int]:
    """Check ``source`` and put it in place of the configured database (quntag serve must be stopped)."""
    counts = check(source)
    target = sqlite_path(url)
    lock = ServeLock(url)
    if not lock.acquire():
        raise BackupError(f"{target} is in use by quntag serve; stop it before restoring")
    try:
        return _replace(source, target, counts)
    finally:
        lock.release()


def _replace(source: Path, target: Path, counts: dict[str, int]) -> dict[str, int]:
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
    return counts
