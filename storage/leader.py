"""Who processes a shared database: one processor at a time, across every machine.

Several ``quntag serve`` (on several machines) may share one PostgreSQL database. Their web processes all
accept deliveries into the one inbox, but the inbox must be processed by one processor at a time: that
keeps each group's events in arrival order, keeps per-chat rate limits of the outbox, and leaves one
scheduler. The processor that holds a PostgreSQL session advisory lock is that one; the others stand by
and try again every few seconds. The lock belongs to a connection, so when the holder's process or machine
dies, the server ends its session and releases the lock, and a standby takes over at its next try.

On SQLite the serve lock next to the database file already allows one server per file, so the lock is
always granted there.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.pool import NullPool

log = logging.getLogger("quntag.leader")
# pg_advisory_lock takes a bigint; any constant shared by every quntag process names the processing role.
PROCESSING_LOCK_KEY = 0x71756E746167  # "quntag"


class ProcessingLock:
    """The right to process the inbox, run the outbox and the scheduler of one database."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.shared = url.startswith("postgresql")
        self._conn: Connection | None = None
        self._engine: Any = None

    def try_acquire(self) -> bool:
        """Take the lock if nobody holds it (blocking; call from a thread). True when this process holds it."""
        if not self.shared:
            return True
        if self._conn is not None:
            return True
        if self._engine is None:
            # Its own connection outside every pool: the lock lives exactly as long as this session.
            self._engine = create_engine(self.url, poolclass=NullPool)
        conn = self._engine.connect()
        got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": PROCESSING_LOCK_KEY}).scalar())
        conn.commit()
        if got:
            self._conn = conn
        else:
            conn.close()
        return got

    def still_held(self) -> bool:
        """False when the session that holds the lock is gone (server restarted, network cut): the lock may
        already be someone else's, so this process must stop processing at once."""
        if not self.shared:
            return True
        if self._conn is None:
            return False
        try:
            self._conn.execute(text("SELECT 1")).scalar()
            self._conn.commit()
        except Exception:  # any failure of the session means the lock is no longer ours
            log.exception("lost the connection that holds the processing lock")
            return False
        return True

    def release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()  # ends the session: PostgreSQL releases the lock
            finally:
                self._conn = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    async def acquire(self, stop: asyncio.Event, every_s: float = 5.0) -> bool:
        """Wait until this process holds the lock (True) or ``stop`` is set (False)."""
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            try:
                if await loop.run_in_executor(None, self.try_acquire):
                    return True
            except Exception:  # the database is unreachable for now: keep standing by
                log.exception("could not ask for the processing lock; trying again")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every_s)
        return False
