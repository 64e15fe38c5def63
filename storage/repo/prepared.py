"""Prepared statements: built once with SQLAlchemy Core (so they stay dialect-neutral),
compiled once per dialect, then executed straight on the DBAPI cursor of the writer's connection.

Building a Core statement with literal ``.values(...)`` costs ~100 µs of Python per statement (coercion
and cache keys); a prepared one costs a few µs. Only the per-event intake and processing writes use
this; everything else uses plain Core.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.sql import Executable


class Prepared:
    """One statement with named bind parameters; ``build(dialect_name)`` makes it."""

    def __init__(self, build: Callable[[str], Executable]) -> None:
        self._build = build
        self._cache: dict[str, tuple[str, tuple[str, ...] | None, dict[str, Any]]] = {}

    def _compiled(self, conn: Connection) -> tuple[str, tuple[str, ...] | None, dict[str, Any]]:
        name = conn.dialect.name
        hit = self._cache.get(name)
        if hit is None:
            compiled = self._build(name).compile(dialect=conn.dialect)  # type: ignore[attr-defined]
            names = tuple(compiled.positiontup) if compiled.positional else None
            # Literals in the statement (``messages + 1``) are bind parameters too: keep their values.
            hit = (str(compiled), names, dict(compiled.params))
            self._cache[name] = hit
        return hit

    @staticmethod
    def _args(names: tuple[str, ...] | None, defaults: dict[str, Any], params: Mapping[str, Any]) -> Any:
        if names is not None:
            return tuple(params[n] if n in params else defaults[n] for n in names)
        return {**defaults, **params}

    def run(self, conn: Connection, params: Mapping[str, Any]) -> int:
        """Execute once; returns the row count."""
        sql, names, defaults = self._compiled(conn)
        cur = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cur.execute(sql, self._args(names, defaults, params))
            return int(cur.rowcount)
        finally:
            cur.close()

    def rows(self, conn: Connection, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Execute a query; returns all rows."""
        sql, names, defaults = self._compiled(conn)
        cur = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cur.execute(sql, self._args(names, defaults, params))
            return [tuple(r) for r in cur.fetchall()]
        finally:
            cur.close()

    def rows_many(self, conn: Connection, params: Sequence[Mapping[str, Any]]) -> list[list[tuple[Any, ...]]]:
        """Execute the query once per parameter set on one cursor; the rows of each, in order."""
        if not params:
            return []
        sql, names, defaults = self._compiled(conn)
        cur = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            return [cur.execute(sql, self._args(names, defaults, p)).fetchall() for p in params]
        finally:
            cur.close()

    def many(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """Execute for every row (executemany)."""
        if not rows:
            return
        sql, names, defaults = self._compiled(conn)
        cur = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cur.executemany(sql, [self._args(names, defaults, r) for r in rows])
        finally:
            cur.close()


def dialect_insert(dialect: str, model: Any) -> Any:
    """``INSERT`` that supports ``on_conflict_do_*`` for the dialect."""
    from sqlalchemy.dialects import postgresql, sqlite

    return (postgresql if dialect == "postgresql" else sqlite).insert(model)
