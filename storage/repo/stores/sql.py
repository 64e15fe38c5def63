"""What every SQL store shares: the database, the transaction mode it is bound to, the clock."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection

from storage.db import Database
from storage.repo.transactions import Footprint, Tables, WriteFn, Writer

T = TypeVar("T")


class SqlStore:
    """A feature store over SQL tables. ``_read`` and ``_write`` follow the mode the store is bound to
    (event-atomic or immediate, see ``storage.repo.transactions``); ``_commit`` is an immediate service's
    write, committed on return whatever the binding."""

    def __init__(self, db: Database, writer: Writer, clock: Callable[[], float], keep_text: bool) -> None:
        self.db = db
        self.writer = writer
        self.clock = clock
        self.keep_text = keep_text  # [storage] store_text: whether member text may be kept at all

    async def _read(self, fn: Callable[[Connection], T], tables: Tables | None = None) -> T:
        """A read that sees the writes of the event (``tables``: all the answer depends on; None: any)."""
        return await self.writer.read(self.db, fn, tables)

    async def _read_committed(self, fn: Callable[[Connection], T]) -> T:
        """A read of what is committed, even inside an event: only for data no observer of an event writes
        (then the event's own pending writes cannot change the answer, and are not replayed to get it)."""
        return await self.db.read(fn)

    async def _write(self, fn: WriteFn, footprint: Footprint | None = None) -> None:
        """A write in the bound mode (``footprint``: every table it may change; None: any)."""
        await self.writer.run(fn, footprint)

    async def _commit(self, fn: Callable[[Connection], T]) -> T:
        return await self.db.write(fn)
