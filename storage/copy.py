"""``quntag db copy``: every table of one database into another, empty one (SQLite ↔ PostgreSQL).

The target gets the schema first (the same alembic migrations ``quntag serve`` runs), then every table is
copied in foreign-key order, in batches, inside one target transaction: a copy that fails or whose counts
do not match leaves the target as empty as it was. The source is read in one snapshot (a single read
transaction), so copying from a running server gives a consistent picture. Explicit ids are copied as they
are; the target's id counters (PostgreSQL sequences, SQLite's AUTOINCREMENT table) then continue after the
highest id the source ever handed out, not just after the highest row left, because an erasure remembers
inbox numbers (``pending_erasures.watermark``) and a number must never be handed out twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, Table, func, insert, inspect, make_url, select, text
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers every table on SQLModel.metadata)
from storage.db import head_revision, make_engine, upgrade

T = TypeVar("T")
BATCH = 5000
SQLITE = "sqlite:///"
SCHEMES = (SQLITE, "postgresql+psycopg://", "postgresql://")


class CopyError(Exception):
    """A copy that cannot be done or did not add up; the message says why in one line."""


@dataclass(frozen=True, slots=True)
class TableCount:
    table: str
    source: int
    copied: int


def shown(url: str) -> str:
    """``url`` without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def normalized(url: str) -> str:
    """A database URL quntag can open: ``sqlite:///FILE`` or ``postgresql+psycopg://…`` (``postgresql://``
    means the same); a relative SQLite path is taken from the current folder."""
    if not url.startswith(SCHEMES):
        raise CopyError(f"not a database URL: {url!r} (use sqlite:///FILE or postgresql+psycopg://USER@HOST/DB)")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    if url.startswith(SQLITE) and not url.startswith(SQLITE + "/"):
        url = SQLITE + str(Path(url[len(SQLITE):]).resolve())
    try:
        make_url(url)
    except ArgumentError as exc:
        raise CopyError(f"not a database URL: {url!r} ({exc})") from None
    return url


def tables() -> list[Table]:
    """Every table quntag keeps, parents before children."""
    return list(SQLModel.metadata.sorted_tables)


def copy(source_url: str, target_url: str, batch: int = BATCH,
         progress: Callable[[TableCount], None] = lambda _c: None) -> list[TableCount]:
    """Copy every table of ``source_url`` into the empty database ``target_url`` and check the counts.

    Raises :class:`CopyError` (one line) when the source is missing or not at the newest schema, the target
    holds rows, a database cannot be reached, or a table's count differs after the copy."""
    source_url, target_url = normalized(source_url), normalized(target_url)
    if source_url == target_url:
        raise CopyError("--from and --to name the same database")
    if source_url.startswith(SQLITE) and not Path(source_url[len(SQLITE):]).exists():
        raise CopyError(f"no database at {source_url[len(SQLITE):]}")
    source, target = _engine(source_url), _engine(target_url)
    try:
        with _connect(source, source_url) as src:
            if source.dialect.name == "postgresql":  # one snapshot for every table (SQLite's read transaction is one)
                src.execution_options(isolation_level="REPEATABLE READ")
            _check_source(src, source_url)
            _check_empty(target, target_url)
            _run(lambda: upgrade(target), target_url)
            with _connect(target, target_url) as dst, dst.begin():
                return [_copy_table(src, dst, t, batch, progress) for t in tables()]
    finally:
        source.dispose()
        target.dispose()


def _engine(url: str) -> Engine:
    try:
        return make_engine(url, pool_size=1)
    except (ArgumentError, ModuleNotFoundError, ValueError) as exc:
        raise CopyError(f"cannot open {shown(url)}: {exc}") from None


def _run(fn: Callable[[], T], url: str) -> T:
    try:
        return fn()
    except SQLAlchemyError as exc:
        raise CopyError(f"{shown(url)}: {_first_line(exc)}") from None


def _first_line(exc: SQLAlchemyError) -> str:
    cause = getattr(exc, "orig", None) or exc
    return (str(cause).strip().splitlines() or [type(cause).__name__])[0]


class _connect:
    """A connection whose database errors become one-line :class:`CopyError` s naming the database."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine, self.url = engine, url

    def __enter__(self) -> Connection:
        self.conn = _run(self.engine.connect, self.url)
        return self.conn

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, _tb: object) -> None:
        self.conn.close()
        if isinstance(exc, SQLAlchemyError):
            raise CopyError(f"{shown(self.url)}: {_first_line(exc)}") from None


def _check_source(src: Connection, url: str) -> None:
    names = set(inspect(src).get_table_names())
    if "alembic_version" not in names:
        raise CopyError(f"{shown(url)} holds no quntag database")
    at = src.execute(text("SELECT version_num FROM alembic_version")).scalar()
    if at != head_revision():
        raise CopyError(f"{shown(url)} is at schema {at}, not the newest ({head_revision()}): run quntag db "
                        "upgrade on it first (with a config whose storage.url names it)")


def _check_empty(engine: Engine, url: str) -> None:
    """Refuse a target that holds any row of ours (an empty schema, as ``quntag db upgrade`` leaves it, is fine)."""
    with _connect(engine, url) as conn:
        present = set(inspect(conn).get_table_names())
        for table in tables():
            if table.name in present:
                n = conn.execute(select(func.count()).select_from(table)).scalar_one()
                if n:
                    raise CopyError(f"the target {shown(url)} holds rows ({table.name}: {n}); "
                                    "copy only into an empty database")


def _rows(src: Connection, table: Table, batch: int) -> Iterator[list[dict[str, Any]]]:
    order = list(table.primary_key.columns) or list(table.columns)
    result = src.execution_options(yield_per=batch).execute(select(table).order_by(*order))
    for part in result.mappings().partitions(batch):
        yield [dict(row) for row in part]


def _copy_table(src: Connection, dst: Connection, table: Table, batch: int,
                progress: Callable[[TableCount], None]) -> TableCount:
    for rows in _rows(src, table, batch):
        dst.execute(insert(table), rows)
    _continue_ids(src, dst, table)
    count = TableCount(table.name, _count(src, table), _count(dst, table))
    progress(count)
    if count.copied != count.source:
        raise CopyError(f"count mismatch in {table.name}: {count.source} rows in the source, {count.copied} in "
                        "the target; nothing was kept")
    return count


def _count(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _serial(table: Table) -> str | None:
    """The column of a table's generated integer id, if it has one."""
    [*pk] = table.primary_key.columns
    if len(pk) == 1 and pk[0].autoincrement in (True, "auto") and pk[0].type.python_type is int:
        return str(pk[0].name)
    return None


def _highest_id(conn: Connection, table: Table, column: str) -> int:
    """The highest id the database ever handed out for ``table`` (rows since deleted included)."""
    top = int(conn.execute(select(func.coalesce(func.max(table.c[column]), 0))).scalar_one())
    if conn.dialect.name == "postgresql":
        seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column}).scalar()
        if seq:
            last = conn.execute(text(f"SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {seq}")).scalar()
            top = max(top, int(last or 0))
    elif conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")).first():
        seq = conn.execute(text("SELECT seq FROM sqlite_sequence WHERE name = :t"), {"t": table.name}).scalar()
        top = max(top, int(seq or 0))
    return top


def _continue_ids(src: Connection, dst: Connection, table: Table) -> None:
    """Let the target's id counter go on after every id the source handed out."""
    column = _serial(table)
    if column is None:
        return
    top = _highest_id(src, table, column)
    if dst.dialect.name == "postgresql":
        dst.execute(text("SELECT setval(pg_get_serial_sequence(:t, :c), :v, :called)"),
                    {"t": table.name, "c": column, "v": max(top, 1), "called": top > 0})
    elif top and table.kwargs.get("sqlite_autoincrement"):
        # SQLite raises the counter to the highest id inserted itself; only ids deleted since need this.
        dst.execute(text("UPDATE sqlite_sequence SET seq = max(seq, :v) WHERE name = :t"), {"t": table.name, "v": top})
        dst.execute(text("INSERT INTO sqlite_sequence (name, seq) SELECT :t, :v WHERE NOT EXISTS "
                         "(SELECT 1 FROM sqlite_sequence WHERE name = :t)"), {"t": table.name, "v": top})
