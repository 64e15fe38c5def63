"""Engine, SQLite pragmas, the single group-committing writer thread, readers and migrations.

All writes go through one thread that owns one connection: it drains every queued write job, runs
each inside its own SAVEPOINT (one failing job does not spoil the others) and commits the whole
batch at once. Concurrent requests therefore share one commit (group commit) and writers never fight
over SQLite's lock. Reads run on a small thread pool; WAL lets them proceed during writes. Nothing
here blocks the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, make_url

from storage.files import private_sqlite

log = logging.getLogger("quntag.db")
T = TypeVar("T")
Job = tuple[Callable[[Connection], Any], "asyncio.Future[Any]"]
_STOP = object()


def make_engine(url: str, sync: str = "normal", pool_size: int = 3) -> Engine:
    """Engine for ``url``: SQLite tuned for a single writer (WAL, busy timeout, explicit transactions), or a
    PostgreSQL server (``postgresql+psycopg://…``, psycopg 3) behind a pool of ``pool_size`` connections.

    A SQLite database file is made owner-only before the first connection (see ``storage.files``). On
    PostgreSQL the pool holds exactly what one process uses at once (the writer's connection plus one per
    reader thread, see :class:`Database`), with two spare connections for a migration or a CLI command, so
    N processes open at most N × (pool_size + 2) connections: keep that under the server's
    ``max_connections`` (100 by default)."""
    if url.startswith("sqlite"):
        return _sqlite_engine(url, sync)
    if not url.startswith("postgresql"):
        raise ValueError(f"unsupported database URL (sqlite:/// or postgresql+psycopg://): {url.split(':')[0]}")
    # synchronous_commit=on is the server's default and already as durable as SQLite's sync = "full" (the
    # commit waits for its WAL flush); "normal" keeps that, because an acknowledged event must survive a crash.
    return create_engine(url, pool_size=pool_size, max_overflow=2, pool_pre_ping=True, pool_recycle=3600)


def _sqlite_engine(url: str, sync: str) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        private_sqlite(Path(database))
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _rec: Any) -> None:
        # Driver-level autocommit so SQLAlchemy's BEGIN/SAVEPOINT are the only transaction control.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={'FULL' if sync == 'full' else 'NORMAL'}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        # A bigger page cache (16 MiB a connection): the working set of a busy community (members,
        # their day/hour counters, recent messages) stays in memory instead of being re-read per write.
        cur.execute("PRAGMA cache_size=-16384")
        cur.execute("PRAGMA temp_store=MEMORY")
        # Deleted rows are overwritten with zeros (pages and freed pages alike), so an erasure or a
        # processed payload leaves no readable copy in the file; see Database.checkpoint for the log.
        cur.execute("PRAGMA secure_delete=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("writer") else "BEGIN")

    return engine


def upgrade(engine: Engine) -> None:
    """Apply pending alembic migrations (blocking; call from a thread)."""
    from alembic import command
    from alembic.config import Config as AlembicConfig

    with as_file(files("storage.migrations")) as path, engine.begin() as conn:
        cfg = AlembicConfig()
        cfg.set_main_option("script_location", str(path))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")


def head_revision() -> str:
    """The newest schema revision this version of quntag migrates to."""
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory

    with as_file(files("storage.migrations")) as path:
        cfg = AlembicConfig()
        cfg.set_main_option("script_location", str(path))
        return str(ScriptDirectory.from_config(cfg).get_current_head())


class Database:
    """Async facade over a sync engine: ``write`` (group-committed) and ``read``."""

    def __init__(self, url: str, sync: str = "normal", readers: int = 2, max_pending: int = 20000) -> None:
        self.url = url
        self.engine = make_engine(url, sync, pool_size=readers + 1)
        self._jobs: queue.SimpleQueue[Job | object] = queue.SimpleQueue()
        self._slots = asyncio.Semaphore(max_pending)
        self._readers = ThreadPoolExecutor(max_workers=readers, thread_name_prefix="quntag-db-read")
        self._thread: threading.Thread | None = None
        self.batches = 0
        self.healthy = True

    def start(self) -> None:
        self._thread = threading.Thread(target=self._writer, name="quntag-db-writer", daemon=True)
        self._thread.start()

    async def migrate(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self._readers, upgrade, self.engine)

    async def write(self, fn: Callable[[Connection], T]) -> T:
        """Run ``fn`` in the writer's transaction; returns once its batch is committed."""
        if self._thread is None:
            raise RuntimeError("database writer not started")
        async with self._slots:
            fut: asyncio.Future[T] = asyncio.get_running_loop().create_future()
            self._jobs.put((fn, fut))
            return await fut

    async def read(self, fn: Callable[[Connection], T]) -> T:
        """Run ``fn`` on a reader connection (sees committed data)."""
        return await asyncio.get_running_loop().run_in_executor(self._readers, self._read, fn)

    def _read(self, fn: Callable[[Connection], T]) -> T:
        with self.engine.connect() as conn:
            try:
                return fn(conn)
            finally:
                conn.rollback()

    async def checkpoint(self) -> bool:
        """Copy the write-ahead log into the database file and truncate it, so the log keeps no older page
        versions (with rows deleted since). Waits for running writes and reads; False when it could not
        finish (a long read held it up), and the next call tries again."""
        if not self.url.startswith("sqlite"):
            return True
        return await asyncio.get_running_loop().run_in_executor(self._readers, self._checkpoint)

    def _checkpoint(self) -> bool:
        with self.engine.connect() as conn:
            # On the driver connection: outside any transaction, which would pin the log.
            raw: Any = conn.connection.driver_connection
            row = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return bool(row) and row[0] == 0

    async def close(self) -> None:
        if self._thread is not None:
            self._jobs.put(_STOP)
            await asyncio.get_running_loop().run_in_executor(None, self._thread.join)
            self._thread = None
        self._readers.shutdown(wait=True)
        self.engine.dispose()

    def _writer(self) -> None:
        conn = self.engine.connect()
        conn.info["writer"] = True
        try:
            while True:
                first = self._jobs.get()
                if first is _STOP:
                    return
                batch: list[Job] = [first]  # type: ignore[list-item]
                stop = False
                while len(batch) < 2000:
                    try:
                        nxt = self._jobs.get_nowait()
                    except queue.Empty:
                        break
                    if nxt is _STOP:
                        stop = True
                        break
                    batch.append(nxt)  # type: ignore[arg-type]
                self._run_batch(conn, batch)
                if stop:
                    return
        finally:
            conn.close()

    def _run_batch(self, conn: Connection, batch: list[Job]) -> None:
        """Commit the batch at once. Fast path: every job in one transaction, no savepoints; if any job
        raises, roll back and redo the batch with a savepoint per job so only that job fails."""
        results: list[tuple[asyncio.Future[Any], bool, Any]]
        try:
            try:
                with conn.begin():
                    results = [(fut, True, fn(conn)) for fn, fut in batch]
            except Exception:  # a job (or the commit) failed: redo with a savepoint per job
                _end_failed_transaction(conn)
                with conn.begin():
                    results = [self._isolated(conn, fn, fut) for fn, fut in batch]
            self.batches += 1
            self.healthy = True
        except Exception as exc:  # the commit itself failed: nothing in the batch is durable
            log.exception("write batch of %d failed", len(batch))
            _end_failed_transaction(conn)
            self.healthy = False
            results = [(fut, False, exc) for _fn, fut in batch]
        # One wake-up of each event loop per batch, not one per job.
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Any], bool, Any]]] = {}
        for item in results:
            by_loop.setdefault(item[0].get_loop(), []).append(item)
        for loop, items in by_loop.items():
            with contextlib.suppress(RuntimeError):  # that loop is already closed
                loop.call_soon_threadsafe(_resolve, items)

    @staticmethod
    def _isolated(conn: Connection, fn: Callable[[Connection], Any],
                  fut: asyncio.Future[Any]) -> tuple[asyncio.Future[Any], bool, Any]:
        sp = conn.begin_nested()
        try:
            value = fn(conn)
        except Exception as exc:  # one job's failure must not spoil the batch
            sp.rollback()
            return fut, False, exc
        sp.commit()
        return fut, True, value


def _end_failed_transaction(conn: Connection) -> None:
    """Roll back what a failed COMMIT left open: SQLite keeps the transaction when its commit fails (a
    deferred foreign key), and the next BEGIN would then fail with an error about nothing the caller did."""
    raw: Any = conn.connection.driver_connection
    raw.rollback()


def _resolve(items: list[tuple[asyncio.Future[Any], bool, Any]]) -> None:
    for fut, ok, value in items:
        if fut.done():  # the awaiting task was cancelled
            continue
        if ok:
            fut.set_result(value)
        else:
            fut.set_exception(value)
