"""Delivery of stored outgoing messages: per-chat rate limits, retries with backoff, a per-chat bound.

Messages enter the ``outbox`` table through ``Context.send`` (in the same transaction as the event
that caused them). This worker picks up due rows, sends each through its adapter, and deletes it only
after the platform accepted it. Failures back off exponentially (or as the platform's retry-after
says); permanent errors are parked for a day and logged, still kept. Sends never block intake: the
worker runs as its own task and chats are served in parallel lanes, each lane in order. A chat with
more than ``max_queued_per_chat`` waiting messages has them merged, then the oldest dropped
(:mod:`bot.outbox_queue`), counted and logged.

With several processors, each sends only its partitions' chats (``bot.core.partition_keeper``), one round at
a time under the keeper's gate. Where partitions can move between processors (PostgreSQL), a round claims its
rows (``storage.repo.outbox_rows``) and each chat's send times are kept with every send, so the chat's rate
limit holds when another processor takes it over.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import dataclasses
import logging
import traceback
from collections.abc import Callable, Mapping

from bot.core.adapter import Adapter, AnswersPresses, Moderates, SendError, SendsPolls
from bot.core.events import ChatRef
from bot.core.metrics import Metrics
from bot.core.outbox_queue import DROPPED_REASON, Queued, bound_lane
from bot.core.outgoing import Outgoing, outgoing_from_dict
from bot.core.partition_keeper import PartitionKeeper
from bot.core.rate_limit import RateLimiter
from bot.core.redact import redact
from storage.repo import OutboxItem, Repo

log = logging.getLogger("quntag.outbox")
MAX_BACKOFF_S = 3600.0
PARKED_S = 86400.0
ROUND_S = 10.0  # a round stops starting sends after this: the keeper may be waiting to let partitions go
CLAIM_S = 300.0  # how long a claimed row stays invisible to other senders if this one dies mid-round


class Outbox:
    def __init__(self, repo: Repo, adapters: Mapping[str, Adapter], metrics: Metrics,
                 clock: Callable[[], float], max_queued_per_chat: int = 100, idle_s: float | None = None,
                 keeper: PartitionKeeper | None = None) -> None:
        """``idle_s``: look for due rows at least this often (set where other processes queue messages
        without waking this one). ``keeper``: the partitions this processor sends (None: all)."""
        self.repo = repo
        self.idle_s = idle_s
        self.max_queued_per_chat = max_queued_per_chat
        self.adapters = adapters
        self.metrics = metrics
        self.clock = clock
        self.limiter = RateLimiter(clock)
        self.keeper = keeper or PartitionKeeper()
        self.keeper.on_change(self._partitions_changed)
        self._round_end = 0.0
        self._settled: set[int] = set()  # rows of this round sent, failed or dropped (the rest is given back)
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._stopping = False
        self._busy = False

    def _describe(self, exc: BaseException, trace: bool = False) -> str:
        """``exc`` as text to log or store, credentials removed (the boundary: nothing leaves unredacted)."""
        secrets = [v for a in self.adapters.values() for v in a.secrets().values()]
        if trace:
            text = "".join(traceback.format_exception(exc))
        else:
            text = str(exc) if isinstance(exc, SendError) else repr(exc)
        return redact(text, secrets)

    def wake(self) -> None:
        self._idle.clear()
        self._wake.set()

    def _partitions_changed(self, gained: frozenset[int], _released: frozenset[int]) -> None:
        if gained:  # their chats' recent sends are in the table, possibly newer than what is in memory
            self.limiter.forget()
            self.wake()

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    async def drained(self, timeout: float = 30.0) -> bool:
        """Wait until nothing is due; False on timeout (used by demo and tests)."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while loop.time() < end:
            nxt = await self.repo.delivery.next_outgoing_at(self.keeper.mine)
            if (nxt is None or nxt > self.clock() + 1) and self._idle.is_set() and not self._busy:
                return True
            self.wake()
            await asyncio.sleep(0.02)
        return False

    async def run(self) -> None:
        while not self._stopping:
            self._wake.clear()  # before the round: a wake-up during it triggers the next round at once
            try:
                delay = await self.send_due()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.error("outbox round failed: %s", self._describe(exc, trace=True))
                delay = 1.0
            self._idle.set()
            if self._stopping:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=delay)

    async def send_due(self) -> float:
        """Send everything due now, lane by lane; returns seconds until the next attempt."""
        self._busy = True  # claimed rows look not due while they are sent
        try:
            async with self.keeper.working():
                await self._round()
        finally:
            self._busy = False
        nxt = await self.repo.delivery.next_outgoing_at(self.keeper.mine)
        longest = self.idle_s or 30.0
        return longest if nxt is None else min(longest, max(0.05, nxt - self.clock()))

    async def _round(self) -> None:
        mine = self.keeper.mine
        if mine is not None and not mine:
            return
        now = self.clock()
        claimed = now + CLAIM_S if self.keeper.shared else None
        items = await self.repo.delivery.due_outgoing(500, mine, claimed)
        lanes: dict[str, list[tuple[OutboxItem, Outgoing]]] = collections.defaultdict(list)
        for item in items:
            out = outgoing_from_dict(item.payload)
            lanes[f"{out.target.adapter}:{type(out.target).__name__}:{out.target.id}"].append((item, out))
        if self.keeper.shared:
            unknown = [lane for lane in lanes if not self.limiter.knows(lane)]
            for lane, times in (await self.repo.delivery.chat_paces(unknown, now - 60.0) if unknown else {}).items():
                self.limiter.seed(lane, times)
        self._round_end = now + ROUND_S
        self._settled = set()
        plans = [(lane, await self._bounded(lane, batch)) for lane, batch in lanes.items()]
        if plans:
            await asyncio.gather(*(self._lane(lane, plan) for lane, plan in plans))
        if claimed is not None:
            await self.repo.delivery.unclaim_outgoing([i for i in items if i.id not in self._settled], claimed)

    async def _bounded(self, lane: str, batch: list[tuple[OutboxItem, Outgoing]]) -> list[Queued]:
        """The lane's messages within the per-chat bound; rows over it are removed, counted and logged."""
        adapter = self.adapters.get(batch[0][0].adapter)
        max_len = adapter.capabilities.max_text_len if adapter is not None else 4000
        plan, dropped = bound_lane(batch, self.max_queued_per_chat, max_len)
        if dropped:
            name = dropped[0].adapter
            await self.repo.delivery.outgoing_sent([item.id for item in dropped])  # removed like a delivered row
            self._settled.update(item.id for item in dropped)
            self.metrics.outbox_dropped.labels(name, DROPPED_REASON).inc(len(dropped))
            log.warning("dropped the %d oldest queued messages for %s: more than %d were waiting",
                        len(dropped), lane, self.max_queued_per_chat, extra={"adapter": name})
        return plan

    async def _lane(self, lane: str, plan: list[Queued]) -> None:
        for queued in plan:
            item = queued.items[0]
            adapter = self.adapters.get(item.adapter)
            if adapter is None:
                await self._failed(queued, self.clock() + PARKED_S, "adapter not configured")
                continue
            caps = adapter.capabilities
            wait = self.limiter.wait_time(lane, caps.per_chat_per_minute, caps.per_chat_per_second)
            if (wait > 0 and (wait > 5.0 or self._stopping)) or self.clock() + max(0.0, wait) > self._round_end:
                return  # leave the rest of the lane for the next round
            if wait > 0:
                await asyncio.sleep(wait)
            if not await self._send_one(adapter, queued, lane):
                return  # keep order within the chat: stop this lane until the retry is due

    def _pace(self, lane: str, times: list[float]) -> tuple[str, list[float]] | None:
        return (lane, times) if self.keeper.shared else None

    async def _failed(self, queued: Queued, next_at: float, detail: str, pace: tuple[str, list[float]] | None = None
                      ) -> None:
        ids = [row.id for row in queued.items]
        await self.repo.delivery.outgoing_failed(ids, next_at, detail, pace)
        self._settled.update(ids)

    async def _send_one(self, adapter: Adapter, queued: Queued, lane: str) -> bool:
        item, out = queued.items[0], queued.out
        if not out.key:
            out = dataclasses.replace(out, key=f"quntag-{item.id}")
        pace = self._pace(lane, self.limiter.record(lane))
        try:
            if out.join is not None:  # an action (join request decision), not a message
                await adapter.decide_join(out)
            elif out.action is not None:  # a moderation action
                if not isinstance(adapter, Moderates):
                    raise SendError(f"{item.adapter} cannot carry out moderation actions", permanent=True)
                await adapter.moderate(out)
            elif out.poll is not None:  # a native poll: remember its platform id, or its votes are nobody's
                if not isinstance(adapter, SendsPolls):
                    raise SendError(f"{item.adapter} cannot post native polls", permanent=True)
                poll_id = await adapter.send_poll(out)
                await self.repo.reach.record_poll(item.adapter, poll_id, out.poll.ref)
            elif out.answer is not None:  # the answer to a button press, shown to the presser only
                if not isinstance(adapter, AnswersPresses):
                    raise SendError(f"{item.adapter} cannot answer button presses", permanent=True)
                await adapter.answer_press(out)
            else:
                await adapter.send(out)
        except SendError as exc:
            self.metrics.send_failures.labels(item.adapter).inc()
            detail = self._describe(exc)
            if exc.moved_to is not None and isinstance(out.target, ChatRef):
                # the group moved (Telegram supergroup migration): re-target and retry right away
                new = ChatRef(out.target.adapter, exc.moved_to)
                log.warning("group %s moved to %s; re-targeting outbox=%s", out.target.id, new.id, item.id)
                await self.repo.members.move_group(out.target.id, new.id, out.target.adapter, self.clock())
                await self._failed(queued, self.clock(), detail, pace)
                return False
            if exc.permanent:
                delay = PARKED_S
            elif exc.retry_after is not None:
                delay = max(0.0, exc.retry_after)
            else:
                delay = min(MAX_BACKOFF_S, 2.0 ** min(item.attempts, 12))
            log.warning("send failed (attempt %s): %s; retry in %.0fs", item.attempts + 1, detail, delay,
                        extra={"adapter": item.adapter, "outbox": item.id})
            await self._failed(queued, self.clock() + delay, detail, pace)
            return False
        except Exception as exc:  # an adapter bug must not kill the worker
            self.metrics.send_failures.labels(item.adapter).inc()
            log.error("send crashed: %s", self._describe(exc, trace=True),
                      extra={"adapter": item.adapter, "outbox": item.id})
            await self._failed(queued, self.clock() + min(MAX_BACKOFF_S, 2.0 ** item.attempts), self._describe(exc),
                               pace)
            return False
        self.metrics.sent.labels(item.adapter).inc()
        ids = [row.id for row in queued.items]
        await self.repo.delivery.outgoing_sent(ids, pace)
        self._settled.update(ids)
        return True
