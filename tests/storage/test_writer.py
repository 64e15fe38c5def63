"""The writer thread of ``storage.db.Database``: one connection, whole batches, each request awaiting its commit.

Guarantees checked once per backend: concurrent writes share one commit; a write returns only once it is
committed; one failing write fails only its own request; a failed commit fails the requests of that batch
(with the database's error) and the next batch commits normally; ``close()`` commits what was queued
before it. To make batches deterministic a first write holds the writer until the test lets it go.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError

from storage.db import Database
from tests.storage.backends import Held

Job = Callable[[Connection], object]


def note(i: int, body: str = "记一笔") -> Job:
    return lambda c: c.execute(text("INSERT INTO notes (id, body) VALUES (:i, :b)"), {"i": i, "b": body})


def count(conn: Connection) -> int:
    return int(conn.execute(text("SELECT count(*) FROM notes")).scalar_one())


async def queued(db: Database, jobs: list[Job]) -> list[asyncio.Task[object]]:
    """Start one request per job; each is in the writer's queue on return (a request queues on its first step)."""
    tasks = [asyncio.create_task(db.write(job)) for job in jobs]
    for _ in range(3):
        await asyncio.sleep(0)
    return tasks


@pytest.fixture
async def db(store_url: str) -> AsyncIterator[Database]:
    database = Database(store_url)
    database.start()
    await database.write(lambda c: c.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")))
    yield database
    await database.close()


async def test_concurrent_writes_share_one_commit(db: Database) -> None:
    held = Held()
    first = await held.hold(db)
    before = db.batches
    writes = await queued(db, [note(i) for i in range(50)])
    held.release()
    await asyncio.gather(first, *writes)
    assert db.batches - before == 2  # the held batch, then all fifty together
    assert await db.read(count) == 50


async def test_a_write_returns_once_committed(db: Database) -> None:
    held = Held()
    first = await held.hold(db)
    [write] = await queued(db, [note(1)])
    await asyncio.sleep(0.01)
    assert not write.done()  # its batch cannot commit while the writer is busy
    held.release()
    await asyncio.gather(first, write)
    assert await db.read(count) == 1  # a reader's connection sees it: committed


async def test_reads_see_only_committed_rows_while_a_write_runs(db: Database) -> None:
    held = Held(note(1))
    first = await held.hold(db)
    assert await db.read(count) == 0  # not blocked by the open write, and not seeing it
    held.release()
    await first
    assert await db.read(count) == 1


async def test_a_failing_write_fails_only_its_own_request(db: Database) -> None:
    def half_then_raise(conn: Connection) -> None:
        note(98)(conn)
        raise ValueError("bad input for note 98")

    held = Held()
    first = await held.hold(db)
    writes = await queued(db, [note(1), half_then_raise, note(1, "again"), note(2)])
    held.release()
    results = await asyncio.gather(first, *writes, return_exceptions=True)
    assert [type(r).__name__ for r in results[1:]] == ["CursorResult", "ValueError", "IntegrityError",
                                                       "CursorResult"]
    assert str(results[2]) == "bad input for note 98"
    assert await db.read(lambda c: c.execute(text("SELECT id, body FROM notes ORDER BY id")).all()) == [
        (1, "记一笔"), (2, "记一笔")]  # nothing of the failed writes, not even note 98's insert
    assert db.healthy


async def test_a_failed_commit_fails_its_batch_with_the_error_and_the_next_batch_commits(db: Database) -> None:
    await db.write(lambda c: c.execute(text("CREATE TABLE parents (id INTEGER PRIMARY KEY)")))
    await db.write(lambda c: c.execute(text(
        "CREATE TABLE children (id INTEGER PRIMARY KEY, "
        "parent_id INTEGER REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED)")))
    orphan = lambda c: c.execute(text("INSERT INTO children (id, parent_id) VALUES (1, 404)"))  # noqa: E731
    held = Held()
    first = await held.hold(db)
    writes = await queued(db, [orphan, note(1)])  # each write succeeds; the commit checks the key and fails
    held.release()
    results = await asyncio.gather(*writes, return_exceptions=True)
    await first
    assert all(isinstance(r, IntegrityError) and "FOREIGN KEY" in str(r).upper() for r in results)
    assert not db.healthy
    await db.write(note(2))
    assert db.healthy and await db.read(count) == 1


async def test_close_commits_what_was_queued_before_it(store_url: str) -> None:
    db = Database(store_url)
    db.start()
    await db.write(lambda c: c.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")))
    held = Held()
    first = await held.hold(db)
    writes = await queued(db, [note(i) for i in range(20)])
    closing = asyncio.create_task(db.close())
    await asyncio.sleep(0)
    held.release()
    await asyncio.gather(first, *writes, closing)
    reopened = Database(store_url)
    try:
        assert await reopened.read(count) == 20
    finally:
        await reopened.close()


async def test_a_write_before_start_is_refused(store_url: str) -> None:
    db = Database(store_url)
    try:
        with pytest.raises(RuntimeError, match="writer not started"):
            await db.write(note(1))
    finally:
        await db.close()
