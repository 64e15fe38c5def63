"""The storage backends the storage suite runs against, and how a test gets a fresh database of one.

``STORE_URLS`` holds one database URL per backend; ``{tmp_path}`` stands for the test's own folder. Every
test of ``tests/storage`` that takes ``store_url`` (or ``repo``) runs once per entry. Adding a backend is
one entry, e.g. ``"postgresql+psycopg://quntag:quntag@localhost/quntag_test"``: :func:`fresh` empties the
database before each test, so a shared server database starts as empty as a new file.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from sqlalchemy import MetaData, create_engine

from storage.db import Database

STORE_URLS = [
    "sqlite:///{tmp_path}/quntag.db",
]
T0 = 1767225600.0  # 2026-01-01T00:00:00Z


def backend_name(url: str) -> str:
    """``sqlite`` / ``postgresql``: the test id of a backend."""
    return url.partition(":")[0].partition("+")[0]


def fresh(template: str, tmp_path: Path) -> str:
    """The URL of ``template`` for this test, its database emptied (every table dropped)."""
    url = template.format(tmp_path=tmp_path)
    engine = create_engine(url)
    try:
        tables = MetaData()
        tables.reflect(engine)
        tables.drop_all(engine)
    finally:
        engine.dispose()
    return url


@contextlib.asynccontextmanager
async def open_database(url: str, sync: str = "normal") -> AsyncIterator[Database]:
    """A started :class:`Database` migrated to the newest schema, closed on exit."""
    db = Database(url, sync)
    db.start()
    try:
        await db.migrate()
        yield db
    finally:
        await db.close()


class Clock:
    """A clock the test moves by hand (unix seconds)."""

    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now
