"""The storage backends the storage suite runs against, how a test gets a fresh database of one, and two
helpers for tests of what sits on a database (a clock moved by hand, a write that holds the writer).

``STORE_URLS`` holds one database URL per backend; ``{tmp_path}`` stands for the test's own folder and
``{postgresql}`` for this run's own PostgreSQL database (see ``tests/postgres.py``). Every test of
``tests/storage`` that takes ``store_url`` (or ``repo``) runs once per entry, and so do the system tests that
take ``backend_url``. :func:`database_url` hands each test an empty database: a new SQLite file, or the
PostgreSQL database with its schema emptied, so a shared server database starts as empty as a new file.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from sqlalchemy import Connection, MetaData, create_engine

from storage.db import Database
from storage.repo import Repo

STORE_URLS = [
    "sqlite:///{tmp_path}/quntag.db",
    "{postgresql}",
]
T0 = 1767225600.0  # 2026-01-01T00:00:00Z


def backend_name(url: str) -> str:
    """``sqlite`` / ``postgresql``: the test id of a backend."""
    return url.strip("{}").partition(":")[0].partition("+")[0]


def database_url(request: pytest.FixtureRequest, template: str, tmp_path: Path) -> str:
    """An empty database of the backend ``template`` names, for this test."""
    if template == "{postgresql}":
        return str(request.getfixturevalue("pg_url"))
    return fresh(template, tmp_path)


@pytest.fixture(params=STORE_URLS, ids=backend_name)
def every_backend(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each backend in turn. A test module runs its ``make_bot`` tests on every backend
    with ``bot_storage_url = every_backend`` (the fixture ``make_bot`` takes its database from)."""
    return database_url(request, str(request.param), tmp_path)


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


class Held:
    """A write that keeps the writer busy (inside its transaction) until :meth:`release`."""

    def __init__(self, then: Callable[[Connection], object] = lambda _conn: None) -> None:
        self.then = then
        self.started = threading.Event()
        self.gate = threading.Event()

    def __call__(self, conn: Connection) -> object:
        value = self.then(conn)
        self.started.set()
        self.gate.wait(10)
        return value

    async def hold(self, db: Database) -> asyncio.Task[object]:
        task = asyncio.create_task(db.write(self))
        assert await asyncio.to_thread(self.started.wait, 10)
        return task

    def release(self) -> None:
        self.gate.set()


async def points(repo: Repo, member: str, group: str = "generic:g-1") -> int:
    """A member's points in a group, as the points board counts them (0 when none)."""
    return next((n for m, _name, n in await repo.checkins.points_leaders(group, 1000) if m == member), 0)
