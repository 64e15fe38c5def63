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

**Footprints** let a read skip that replay where the replay provably cannot change the answer. A write may
declare every table it may change (:class:`Footprint`), a read every table its answer depends on: when no
pending write changes one of those, the state they hold after the replay is the committed one, so the read
runs on committed data. A write without a footprint may change anything, so a read after it replays as
before. A footprint may also carry a ``fact`` (what the write does, as data), for a read that adds the
pending facts up itself (``pending``); where one pending write changing its tables has no fact, such a read
replays instead.

**Sums.** The processor commits a batch of events with their messages' member rows and day/hour counters
summed, one upsert per distinct row (``event_statements.summing``); :func:`settle` writes the sums first
wherever a write of the batch could read those rows or change them otherwise than by adding (a footprint
tells; a write without one always settles them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from sqlalchemy import Connection
from sqlmodel import SQLModel

from storage.db import Database

T = TypeVar("T")
WriteFn = Callable[[Connection], object]
Tables = frozenset[str]


@dataclass(frozen=True, slots=True)
class Footprint:
    """Every table a write may change (``tables``) and every other table it reads (``reads``); of ``tables``,
    those it only adds counts to (``sums``: additions commute, so a batch may sum them and write them last,
    see :func:`settle`); ``fact``: what it does, as data, for reads that add it up."""

    tables: Tables
    fact: object = None
    reads: Tables = frozenset()
    sums: Tables = frozenset()


class Sums(Protocol):
    """Counts a batch's writes added and that are not written yet (``event_statements.summing``)."""

    tables: Tables

    def flush(self, conn: Connection) -> None:
        """Write them now."""


SUMS = "quntag_sums"  # ``conn.info`` key of the open :class:`Sums`


def settle(conn: Connection, footprint: Footprint | None) -> None:
    """Write the open sums before a write that could read them, or change their rows other than by adding
    (None: a write that may do anything)."""
    sums: Sums | None = conn.info.get(SUMS)
    if sums is not None and (footprint is None or not (
            footprint.reads | (footprint.tables - footprint.sums)).isdisjoint(sums.tables)):
        sums.flush(conn)


def tables(*models: type[SQLModel]) -> Tables:
    """The table names of ``models``, for footprints and reads."""
    return frozenset(str(m.__tablename__) for m in models)


class Writer(Protocol):
    """Where a store's reads and writes go: a transaction mode."""

    immediate: bool  # True: writes commit on return; False: they wait for the event's commit

    async def run(self, fn: WriteFn, footprint: Footprint | None = None) -> None:
        """A write in this mode (``footprint``: the tables it may change; None: any)."""

    async def read(self, db: Database, fn: Callable[[Connection], T], tables: Tables | None = None) -> T:
        """A read that sees every write this mode has taken so far (``tables``: all its answer depends on;
        None: any)."""

    def pending(self, tables: Tables) -> list[object] | None:
        """The facts of the writes taken but not committed that may change ``tables``, in order; None when
        one of them has no fact (then only a read that replays them sees what they do)."""


class Immediate:
    """Immediate mode: each write is its own (group-committed) transaction; reads see committed data."""

    immediate = True

    def __init__(self, db: Database) -> None:
        self.db = db

    async def run(self, fn: WriteFn, footprint: Footprint | None = None) -> None:
        await self.db.write(fn)

    async def read(self, db: Database, fn: Callable[[Connection], T], tables: Tables | None = None) -> T:
        return await db.read(fn)

    def pending(self, tables: Tables) -> list[object] | None:
        return []  # every write is committed on return


class UnitOfWork:
    """Event-atomic mode: collects the writes of one event (inbox sequence number ``seq``; 0 for a scheduled
    job); the processor commits them together with the inbox delete. Reads see the collected writes."""

    immediate = False

    def __init__(self, seq: int = 0) -> None:
        self.seq = seq
        self.fns: list[WriteFn] = []
        self.footprints: list[Footprint | None] = []  # one per write in ``fns``
        self.sends = False  # a message was queued for the outbox
        self.erasing = False  # its event erased its own sender: its inbox row is gone on purpose

    async def run(self, fn: WriteFn, footprint: Footprint | None = None) -> None:
        self.fns.append(fn)
        self.footprints.append(footprint)

    def _changing(self, tables: Tables | None) -> list[Footprint | None]:
        if tables is None:
            return list(self.footprints)
        return [f for f in self.footprints if f is None or not f.tables.isdisjoint(tables)]

    def pending(self, tables: Tables) -> list[object] | None:
        changing = self._changing(tables)
        if any(f is None or f.fact is None for f in changing):
            return None
        return [f.fact for f in changing if f is not None]

    async def read(self, db: Database, fn: Callable[[Connection], T], tables: Tables | None = None) -> T:
        if not self._changing(tables):  # no pending write can change the answer: committed data holds it
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
        for fn, footprint in zip(self.fns, self.footprints, strict=True):
            settle(conn, footprint)
            fn(conn)
