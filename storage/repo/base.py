"""Write plumbing shared by the repo: immediate writers, units of work, dialect-neutral upserts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite

from storage.db import Database

WriteFn = Callable[[Connection], object]


class Writer(Protocol):
    """Where write intents go: straight to the database, or into a unit of work."""

    async def run(self, fn: WriteFn) -> None: ...


class DirectWriter:
    """Each write is its own (group-committed) transaction."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def run(self, fn: WriteFn) -> None:
        await self.db.write(fn)


class UnitOfWork:
    """Collects the writes of one event (inbox sequence number ``seq``; 0 for a scheduled job); the
    processor commits them together with the inbox delete."""

    def __init__(self, seq: int = 0) -> None:
        self.seq = seq
        self.fns: list[WriteFn] = []
        self.sends = False  # a message was queued for the outbox
        self.erasing = False  # its event erased its own sender: its inbox row is gone on purpose

    async def run(self, fn: WriteFn) -> None:
        self.fns.append(fn)

    def apply(self, conn: Connection) -> None:
        for fn in self.fns:
            fn(conn)


def insert_ignore(conn: Connection, model: Any, rows: Sequence[dict[str, Any]] | dict[str, Any]) -> int:
    """INSERT … ON CONFLICT DO NOTHING; returns the number of rows actually inserted."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    # SQLAlchemy keeps an INSERT's row count only when asked (psycopg forgets it once the cursor closes).
    stmt = dialect.insert(model).on_conflict_do_nothing().execution_options(preserve_rowcount=True)
    res = conn.execute(stmt, rows) if isinstance(rows, list) else conn.execute(stmt.values(rows))
    return int(res.rowcount or 0)


def upsert(conn: Connection, model: Any, values: dict[str, Any], keys: Sequence[str],
           set_: dict[str, Any]) -> None:
    """INSERT … ON CONFLICT (keys) DO UPDATE SET set_ (``set_`` may reference ``excluded``)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(model).values(values)
    resolved = {k: (v(stmt.excluded) if callable(v) else v) for k, v in set_.items()}
    conn.execute(stmt.on_conflict_do_update(index_elements=list(keys), set_=resolved))
