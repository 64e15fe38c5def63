"""Durable, de-duplicated intake and the processor behind it.

``accept`` returns once the delivery is committed (group-committed with concurrent requests), so a
2xx answer always means the event survives a killed process. The processor drains the inbox in
arrival order; each event's effects and the deletion of its inbox row commit in one transaction, so
an event is processed exactly once even across crashes. Rows left over by a crash are picked up on
start.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace

from bot.context import Context
from bot.dispatcher import Dispatcher
from bot.events import Event, Message, event_from_dict, event_to_dict
from bot.metrics import Metrics
from bot.router import parse_command
from storage.repo import Delivery, Repo, UnitOfWork

log = logging.getLogger("quntag.inbox")
BATCH = 256


class Inbox:
    def __init__(self, repo: Repo, dispatcher: Dispatcher, base_ctx: Context, metrics: Metrics,
                 on_committed: Callable[[], None] = lambda: None) -> None:
        self.repo = repo
        self.dispatcher = dispatcher
        self.base_ctx = base_ctx
        self.metrics = metrics
        self.on_committed = on_committed
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._stopping = False

    async def accept(self, adapter: str, key: str | None, events: Sequence[Event]) -> bool:
        """Store one delivery durably; False when ``key`` was accepted before (nothing changes)."""
        [new] = await self.repo.accept([Delivery(adapter, key, tuple(event_to_dict(e) for e in events))])
        if new and events:
            self._idle.clear()
            self._wake.set()
        return new

    def wake(self) -> None:
        self._idle.clear()
        self._wake.set()

    async def run(self) -> None:
        """Process until stopped; started by the server (and by replay/demo)."""
        self._wake.set()  # leftovers from a previous run
        while not self._stopping:
            await self._wake.wait()
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
            if await self.repo.oldest_pending() is None:
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
        pending = await self.repo.pending(BATCH)
        if not pending:
            return 0
        contexts: dict[int, list[Context]] = {}
        observed: list[tuple[int, UnitOfWork]] = []
        for p in pending:
            uow = UnitOfWork()
            repo = self.repo.bound(uow)
            contexts[p.seq] = []
            for raw in p.events:
                try:
                    ev = event_from_dict(raw)
                except (KeyError, ValueError, TypeError) as exc:
                    log.error("undecodable event in inbox (seq %s): %r", p.seq, exc,
                              extra={"adapter": p.adapter, "event": p.key})
                    continue
                ctx = self.base_ctx.for_event(repo, ev, parse_command(ev.text) if isinstance(ev, Message) else None)
                contexts[p.seq].append(ctx)
                await self.dispatcher.observe(ctx)
            observed.append((p.seq, uow))
        failed = dict(await self.repo.commit_units(observed, finish=False))
        handled: list[tuple[int, UnitOfWork]] = []
        for p in pending:
            if p.seq in failed:
                continue
            uow = UnitOfWork()
            repo = self.repo.bound(uow)
            took = False
            for ctx in contexts[p.seq]:
                took = await self.dispatcher.handle(replace(ctx, repo=repo)) or took
            handled.append((p.seq, uow))
            if took:  # a handler ran: commit now, so the next command in this batch sees its writes
                failed.update(await self.repo.commit_units(handled, finish=True))
                handled = []
        failed.update(await self.repo.commit_units(handled, finish=True))
        for p in pending:
            if p.seq in failed:
                log.error("event moved to dead letters (seq %s): %s", p.seq, failed[p.seq],
                          extra={"adapter": p.adapter, "event": p.key})
            else:
                self.metrics.processed.labels(p.adapter).inc(len(p.events))
        self.on_committed()
        if len(pending) < BATCH:  # caught up: what is left arrived while this batch ran
            self.metrics.lag.set(0.0)
        else:
            await self._update_lag()
        return len(pending)

    async def _update_lag(self) -> None:
        oldest = await self.repo.oldest_pending()
        self.metrics.lag.set(0.0 if oldest is None else max(0.0, self.base_ctx.clock() - oldest))
