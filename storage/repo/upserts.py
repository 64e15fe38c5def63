"""Dialect-neutral upserts shared by the stores' SQL (SQLite and PostgreSQL both speak ON CONFLICT)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite


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
