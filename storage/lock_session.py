"""A PostgreSQL session that holds advisory locks: one connection outside every pool, so the locks last
exactly as long as that session, and a dead process or machine releases them the moment the server ends it.

``storage.leader`` (the scheduler's lead) and ``storage.partitions`` (processors' shares of the groups) hold
their locks in one each. On SQLite there is nothing to hold (``shared`` is False).
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.pool import NullPool

log = logging.getLogger("quntag.locks")


class LockSession:
    held_by_what = "advisory locks"  # for the log line when the session is lost

    def __init__(self, url: str) -> None:
        self.url = url
        self.shared = url.startswith("postgresql")
        self._conn: Connection | None = None
        self._engine: Any = None

    def _connect(self) -> Connection:
        if self._engine is None:
            self._engine = create_engine(self.url, poolclass=NullPool)
        return self._engine.connect()  # type: ignore[no-any-return]

    def alive(self) -> bool:
        """False when the session is gone (server restarted, network cut): its locks may already be someone
        else's. Always True on SQLite. Blocking: call from a thread."""
        if not self.shared:
            return True
        if self._conn is None:
            return False
        try:
            self._conn.execute(text("SELECT 1")).scalar()
            self._conn.commit()
        except Exception:  # any failure of the session means the locks are no longer ours
            log.exception("lost the connection that holds %s", self.held_by_what)
            return False
        return True

    def close(self) -> None:
        """End the session: PostgreSQL releases every lock it held."""
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
