"""The partitions this processor holds while it runs (``storage.partitions``), and the gate the inbox and the
outbox work under.

The inbox processes, and the outbox sends, only what belongs to the held partitions. Every few seconds the
keeper compares them with this processor's fair share of the live processors: it takes free partitions at
once, but lets partitions go only while no batch is processed and no outbox round runs (the *gate*), so a
group's events and a chat's messages are never handled by two processors at the same time, and whoever takes a
partition over starts from committed rows.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

from storage.partitions import PartitionClaims

log = logging.getLogger("quntag.partitions")
REBALANCE_S = 2.0  # how soon a processor that joins gets work, and one that died has its partitions taken
Changed = Callable[[frozenset[int], frozenset[int]], None]  # (gained, released)


class _Gate:
    """Many workers at once, or one rebalance alone; a waiting rebalance lets no new worker in."""

    def __init__(self) -> None:
        self._cond = asyncio.Condition()
        self._workers = 0
        self._closing = False

    @contextlib.asynccontextmanager
    async def working(self) -> AsyncIterator[None]:
        async with self._cond:
            await self._cond.wait_for(lambda: not self._closing)
            self._workers += 1
        try:
            yield
        finally:
            async with self._cond:
                self._workers -= 1
                self._cond.notify_all()

    @contextlib.asynccontextmanager
    async def alone(self) -> AsyncIterator[None]:
        async with self._cond:
            await self._cond.wait_for(lambda: not self._closing)
            self._closing = True
            await self._cond.wait_for(lambda: self._workers == 0)
        try:
            yield
        finally:
            async with self._cond:
                self._closing = False
                self._cond.notify_all()


class PartitionKeeper:
    """What this processor holds; ``claims`` None means everything (a single processor without claims)."""

    def __init__(self, claims: PartitionClaims | None = None) -> None:
        self.claims = claims
        self.shared = claims is not None and claims.shared
        self.lost = asyncio.Event()  # set when the claims' session is gone: stop processing at once
        self._gate = _Gate()
        self._listeners: list[Changed] = []
        self._task: asyncio.Task[None] | None = None
        self._session = asyncio.Lock()  # the claims' one connection serves one call at a time

    @property
    def mine(self) -> frozenset[int] | None:
        """The held partitions (None: all of them; none once the claims' session is lost)."""
        if self.claims is None:
            return None
        return frozenset() if self.lost.is_set() else self.claims.mine

    def holds(self, part: int) -> bool:
        mine = self.mine
        return mine is None or part in mine

    def on_change(self, listener: Changed) -> None:
        self._listeners.append(listener)

    def working(self) -> contextlib.AbstractAsyncContextManager[None]:
        """Hold around one batch of processing or one outbox round: no partition is let go meanwhile."""
        return self._gate.working()

    async def start(self) -> None:
        """Join the processors (PostgreSQL: take a first share) and keep the share fair from now on."""
        if self.claims is None or not self.shared:
            return
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self.claims.join)
        await self.rebalance()
        self._task = asyncio.create_task(self._keep(), name="quntag-partitions")

    async def rebalance(self) -> None:
        """Take free partitions up to the fair share, or let the ones over it go (between batches)."""
        claims = self.claims
        if claims is None or not self.shared:
            return
        async with self._session:
            await self._rebalance(claims)

    async def _rebalance(self, claims: PartitionClaims) -> None:
        loop = asyncio.get_running_loop()
        fair = await loop.run_in_executor(None, claims.fair_share)
        if len(claims.mine) > fair:
            async with self._gate.alone():  # nothing of them is in work; the listeners forget them in here too
                released = await loop.run_in_executor(None, claims.release_to, fair)
                self._changed(frozenset(), released)
        elif len(claims.mine) < fair:
            self._changed(await loop.run_in_executor(None, claims.take_up_to, fair), frozenset())

    def _changed(self, gained: frozenset[int], released: frozenset[int]) -> None:
        if not gained and not released:
            return
        assert self.claims is not None
        log.info("partitions: %d held (%s %d)", len(self.claims.mine), "took" if gained else "let go of",
                 len(gained or released))
        for listener in self._listeners:
            listener(gained, released)

    async def _keep(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(REBALANCE_S)
            assert self.claims is not None
            async with self._session:
                alive = await loop.run_in_executor(None, self.claims.alive)
            if not alive:
                self.lost.set()
                return
            try:
                await self.rebalance()
            except Exception:  # the database is unreachable for now: keep what is held, try again
                log.exception("rebalancing partitions failed; trying again")

    async def stop(self) -> None:
        """Give every partition up (after the inbox and the outbox stopped)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self.claims is not None:
            async with self._session:
                await asyncio.get_running_loop().run_in_executor(None, self.claims.leave)
