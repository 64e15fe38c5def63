"""Durable, de-duplicated intake and the processor behind it.

``accept`` returns once the delivery is committed (group-committed with concurrent requests), so a
2xx answer always means the event survives a killed process. The processor drains the inbox in
arrival order; each event's effects and the deletion of its inbox row commit in one transaction, so
an event is processed exactly once even across crashes. Rows left over by a crash are picked up on
start.

With several processes (``quntag serve --workers N``) the web processes only accept (``hand_off=False``)
and the processors poll the table (``poll_s``): the table is then the only way between them. Each processor
takes only the partitions its ``keeper`` holds (``bot.core.partition_keeper``), one batch at a time under its
gate, so a group's events are processed by one processor at a time, in arrival order.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace

from bot.core.commands import parse_command
from bot.core.context import Context
from bot.core.dispatch import Dispatcher
from bot.core.events import Event, Message, event_from_dict, event_to_dict
from bot.core.handoff import Handoff, Item
from bot.core.metrics import Metrics
from bot.core.partition_keeper import PartitionKeeper
from storage.repo import Delivery, Repo, UnitOfWork

log = logging.getLogger("quntag.inbox")
BATCH = 256
SAFETY_NET_S = 5.0


class Inbox:
    def __init__(self, repo: Repo, dispatcher: Dispatcher, base_ctx: Context, metrics: Metrics,
                 on_committed: Callable[[], None] = lambda: None, *, hand_off: bool = True,
                 poll_s: float | None = None, keeper: PartitionKeeper | None = None) -> None:
        """``hand_off``: accepted events go straight to this process's processor (False in a web process
        whose events another process handles). ``poll_s``: look at the table this often, for events that
        other processes accepted (None: only as a safety net, every ``SAFETY_NET_S``). ``keeper``: the
        partitions this processor holds (None: all)."""
        self.repo = repo
        self.dispatcher = dispatcher
        self.base_ctx = base_ctx
        self.metrics = metrics
        self.on_committed = on_committed
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._stopping = False
        self.handoff = Handoff()
        self.hand_off = hand_off
        self.poll_s = poll_s
        self.keeper = keeper or PartitionKeeper()
        self.keeper.on_change(self._partitions_changed)

    def _partitions_changed(self, gained: frozenset[int], released: frozenset[int]) -> None:
        self.handoff.drop_parts(released)
        if gained:
            self.wake()  # their rows are in the table

    async def accept(self, adapter: str, key: str | None, events: Sequence[Event]) -> bool:
        """Store one delivery durably; False when ``key`` was accepted before (nothing changes)."""
        received = self.base_ctx.clock()
        delivery = Delivery(adapter, key, tuple(event_to_dict(e) for e in events))
        [seq] = await self.repo.intake.accept([delivery])
        if seq is None:
            return False
        if seq and events and self.hand_off and self.keeper.holds(part := delivery.part):
            self.handoff.add(Item(seq, adapter, key, tuple(events), received, part))
            self._idle.clear()
            self._wake.set()
        return True

    def wake(self) -> None:
        """Process what the table holds (rows stored by someone other than :meth:`accept`, e.g. replay)."""
        self.handoff.backlog = True
        self._idle.clear()
        self._wake.set()

    async def run(self) -> None:
        """Process until stopped; started by the server (and by replay/demo)."""
        self._wake.set()  # leftovers from a previous run
        while not self._stopping:
            try:
                await asyncio.wait_for(self._wake.wait(), self.poll_s or SAFETY_NET_S)
            except TimeoutError:
                # Idle: look at the table once in case an accept was interrupted between its commit
                # and the hand-off (the row is durable either way), or another process accepted events.
                self.handoff.backlog = True
            self._wake.clear()
            try:
                while await self.process_batch():
                    pass
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("processing batch failed; retrying in 1 s")
                await asyncio.sleep(1.0)
                self._wake.set()
                continue
            await self._update_lag()
            self._idle.set()

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    async def drained(self) -> None:
        """Wait until everything accepted so far has been processed."""
        while True:
            await self._idle.wait()
            if await self.repo.intake.oldest_pending() is None:
                return
            self.wake()
            await asyncio.sleep(0.01)

    async def process_batch(self) -> int:
        """Process up to BATCH pending deliveries; returns how many.

        Two commits per batch: first every observer's writes (idempotent on event ids), then the
        handlers' writes (replies in the outbox) together with the deletion of each inbox row. So a
        handler such as /me sees the message that carried it, and a crash between the two commits
        only re-runs idempotent observers.
        """
        async with self.keeper.working():
            return await self._process_batch()

    async def _process_batch(self) -> int:
        pending = await self._next_items()
        if not pending:
            return 0
        contexts: dict[int, list[Context]] = {}
        observed: list[tuple[int, UnitOfWork]] = []
        for p in pending:
            uow = UnitOfWork(p.seq)
            repo = self.repo.bound(uow)
            contexts[p.seq] = []
            for ev in p.events:
                command = parse_command(ev.text) if isinstance(ev, Message) else None
                ctx: Context = self.base_ctx.for_event(repo, ev, command)
                contexts[p.seq].append(ctx)
                await self.dispatcher.observe(ctx)
            observed.append((p.seq, uow))
        first = await self.repo.intake.commit_units(observed, finish=False)
        failed, dropped = first.failed, first.dropped
        sends = any(uow.sends for _seq, uow in observed)
        handled: list[tuple[int, UnitOfWork]] = []

        async def commit() -> None:
            done = await self.repo.intake.commit_units(handled, finish=True)
            failed.update(done.failed)
            dropped.update(done.dropped)
            handled.clear()

        for p in pending:
            if p.seq in failed or p.seq in dropped:  # dropped: its member was erased since it was accepted
                continue
            uow = UnitOfWork(p.seq)
            repo = self.repo.bound(uow)
            took = False
            for ctx in contexts[p.seq]:
                took = await self.dispatcher.handle(replace(ctx, repo=repo)) or took
            handled.append((p.seq, uow))
            sends = sends or uow.sends
            if took:  # a handler ran: commit now, so the next command in this batch sees its writes
                await commit()
        await commit()
        for p in pending:
            if p.seq in failed:
                log.error("event moved to dead letters (seq %s): %s", p.seq, failed[p.seq],
                          extra={"adapter": p.adapter, "event": p.key})
            elif p.seq in dropped:
                log.info("event not recorded: its member's data was erased after it arrived (seq %s)", p.seq,
                         extra={"adapter": p.adapter})
            else:
                self.metrics.processed.labels(p.adapter).inc(len(p.events))
        self.handoff.done(p.seq for p in pending)
        if sends:  # only then is there anything new for the outbox to look at
            self.on_committed()
        if len(pending) < BATCH:  # caught up: what is left arrived while this batch ran
            self.metrics.lag.set(0.0)
        else:
            await self._update_lag()
        return len(pending)

    async def _next_items(self) -> list[Item]:
        """The next batch: from the table while there may be rows the hand-off does not hold, else from
        the hand-off."""
        if not self.handoff.backlog:
            return self.handoff.take(BATCH)
        mine = self.keeper.mine
        if mine is not None and not mine:
            return []  # no partition held (yet)
        rows = await self.repo.intake.pending(BATCH, parts=mine)
        if len(rows) < BATCH:
            self.handoff.backlog = False  # everything committed so far is in this batch or queued
        items = []
        for p in rows:
            events = []
            for raw in p.events:
                try:
                    events.append(event_from_dict(raw))
                except (KeyError, ValueError, TypeError) as exc:
                    log.error("undecodable event in inbox (seq %s): %r", p.seq, exc,
                              extra={"adapter": p.adapter, "event": p.key})
            items.append(Item(p.seq, p.adapter, p.key, tuple(events), p.received_at, p.part))
        return items  # copies still queued in the hand-off are dropped by ``done`` after the batch

    async def _update_lag(self) -> None:
        oldest = await self.repo.intake.oldest_pending()
        self.metrics.lag.set(0.0 if oldest is None else max(0.0, self.base_ctx.clock() - oldest))
