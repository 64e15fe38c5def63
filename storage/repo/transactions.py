"""The two transaction modes every store call runs in, named.

**Event-atomic** (:class:`UnitOfWork`): the writes of one event (or one scheduled run) are collected, not
executed; the inbox processor commits them in one transaction together with the removal of the event's
inbox row (``IntakeStore.commit_units``), the scheduler together with the run's record (``claim_run``).
A failure anywhere before that commit loses nothing (the inbox row is still there) and commits nothing.

**Immediate** (:class:`Immediate`): each call is its own group-committed transaction, durable on return.
Jobs and admin paths outside an event (CLI, API, console) run in it, and some services always do whatever
they are bound to, because they must not wait for (or roll back with) the event that asked for them:
claims (``claim_run``, ``claim_alert``), the outbox's delivery bookkeeping, adapter state, ``forget_member``
and ``purge_text``. Each of those store methods says so in its docstring ("committed on return").

**Read-your-writes within an event.** A read of a store bound to a unit of work that holds writes runs on
the writer's connection inside a savepoint: the pending writes are applied, the read runs, the savepoint is
rolled back. So a later handler (or a later read of the same handler) sees what an earlier one wrote, and
nothing is committed before the event's commit. We chose this over keeping pending state in Python because
it is exact for every query (aggregates, joins, upserts) with no second implementation per store; its cost
(the pending writes run once more per such read, on the writer thread) is only paid by reads that follow a
write in the same event — an event with no pending writes reads from the reader pool as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from sqlalchemy import Connection

from storage.db import Database

T = TypeVar("T")
WriteFn = Callable[[Connection], object]


class Writer(Protocol):
    """Where a store's reads and writes go: a transaction mode."""

    immediate: bool  # True: writes commit on return; False: they wait for the event's commit

    async def run(self, fn: WriteFn) -> None:
        """A write in this mode."""

    async def read(self, db: Database, fn: Callable[[Connection], T]) -> T:
        """A read that sees every write this mode has taken so far."""


class Immediate:
    """Immediate mode: each write is its own (group-committed) transaction; reads see committed data."""

    immediate = True

    def __init__(self, db: Database) -> None:
        self.db = db

    async def run(self, fn: WriteFn) -> None:
        await self.db.write(fn)

    async def read(self, db: Database, fn: Callable[[Connection], T]) -> T:
        return await db.read(fn)


class UnitOfWork:
    """Event-atomic mode: collects the writes of one event (inbox sequence number ``seq``; 0 for a scheduled
    job); the processor commits them together with the inbox delete. Reads see the collected writes."""

    immediate = False

    def __init__(self, seq: int = 0) -> None:
        self.seq = seq
        self.fns: list[WriteFn] = []
        self.sends = False  # a message was queued for the outbox
        self.erasing = False  # its event erased its own sender: its inbox row is gone on purpose

    async def run(self, fn: WriteFn) -> None:
        self.fns.append(fn)

    async def read(self, db: Database, fn: Callable[[Connection], T]) -> T:
        if not self.fns:
            return await db.read(fn)
        pending = list(self.fns)

        def peek(conn: Connection) -> T:
            savepoint = conn.begin_nested()
            try:
                for write in pending:
                    write(conn)
                return fn(conn)
            finally:
                savepoint.rollback()  # seen, never committed: the event's commit applies them once

        return await db.write(peek)

    def apply(self, conn: Connection) -> None:
        for fn in self.fns:
            fn(conn)
