"""Several processors on one PostgreSQL database (``bot.core.partition_keeper``, ``storage.partitions``).

Processors join and leave while events keep arriving: every event is processed exactly once, each group's
events in the order they were accepted, and the work is shared. The processors are real inboxes over their own
connection pools to a real server; only dispatch is a stand-in that records what it is handed.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core import partition_keeper
from bot.core.context import Context
from bot.core.events import ChatRef, Message, UserRef, event_to_dict
from bot.core.inbox import Inbox
from bot.core.metrics import Metrics
from bot.core.partition_keeper import PartitionKeeper
from bot.core.render import Renderer
from storage.partitions import PARTS, PartitionClaims
from storage.repo import Delivery, Repo
from tests.conftest import make_config
from tests.storage.backends import Clock, open_database

GROUPS = [f"g-{i}" for i in range(24)]
Seen = list[tuple[str, str, int]]  # (processor, group, number within the group) in the order handled


class Recording:
    """Dispatch that records which processor handled which event, in one order shared by all processors."""

    def __init__(self, name: str, seen: Seen) -> None:
        self.name, self.seen = name, seen

    async def observe(self, ctx: Context) -> None:
        pass

    async def handle(self, ctx: Context) -> bool:
        assert isinstance(ctx.event, Message)
        self.seen.append((self.name, ctx.event.chat.chat_id, int(ctx.event.text)))
        await asyncio.sleep(0.001)  # work takes time: partitions move while batches are in hand
        return False


class Processor:
    def __init__(self, name: str, url: str, tmp_path: Path, seen: Seen, hand_off: bool = False) -> None:
        """``hand_off``: a single-process server's processor, which also accepts deliveries and processes the
        ones of its partitions straight from memory."""
        self.name, self.url, self.tmp_path, self.seen = name, url, tmp_path, seen
        self.hand_off = hand_off
        self.keeper = PartitionKeeper(PartitionClaims(url))
        self.inbox: Inbox | None = None

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[Processor]:
        async with open_database(self.url) as db:
            repo = Repo(db, clock=Clock())
            ctx = Context(config=make_config(self.tmp_path), repo=repo, render=Renderer(), clock=time.time)
            self.inbox = inbox = Inbox(repo, Recording(self.name, self.seen), ctx, Metrics(),  # type: ignore[arg-type]
                                       hand_off=self.hand_off, poll_s=0.02, keeper=self.keeper)
            await self.keeper.start()
            task = asyncio.create_task(inbox.run())
            try:
                yield self
            finally:
                await inbox.stop()
                await task
                await self.keeper.stop()


def said(group: str, n: int) -> Message:
    return Message(f"{group}-{n}", ChatRef("generic", group), UserRef("generic", f"u-{n % 7}"), float(n), str(n))


async def accept(repo: Repo, start: int, count: int, inbox: Inbox | None = None) -> None:
    """``count`` messages per group, numbered from ``start``, accepted in rounds across the groups (every other
    round through ``inbox`` when given, as its server's webhook does)."""
    for n in range(start, start + count):
        if inbox is not None and n % 2:
            for g in GROUPS:
                assert await inbox.accept("generic", f"{g}-{n}", [said(g, n)])
        else:
            await repo.intake.accept([Delivery("generic", f"{g}-{n}", (event_to_dict(said(g, n)),)) for g in GROUPS])


async def until(check: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not await check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_processors_joining_and_leaving_share_the_groups_keep_order_and_count_each_event_once(
        pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(partition_keeper, "REBALANCE_S", 0.1)
    seen: Seen = []
    a, b, c = (Processor(name, pg_url, tmp_path, seen, hand_off=name == "a") for name in "abc")
    async with open_database(pg_url) as db:
        repo = Repo(db, clock=Clock())
        await accept(repo, 0, 20)
        async with a.running():
            assert len(a.keeper.mine or ()) == PARTS  # alone: every partition
            async with b.running():
                # arriving while the two share out the work, half through a's webhook
                feeding = asyncio.create_task(accept(repo, 20, 40, a.inbox))
                await until(lambda: _settled(a, b))
                assert not (a.keeper.mine or set()) & (b.keeper.mine or set())
                async with c.running():
                    await until(lambda: _settled(a, b, c))
                    await feeding
                    await accept(repo, 60, 20)
                # c has left: its partitions go back to a and b
                await until(lambda: _settled(a, b))
                await accept(repo, 80, 20)
                await until(lambda: _empty(repo))
    order: dict[str, list[int]] = {}
    for _proc, group, n in seen:
        order.setdefault(group, []).append(n)
    assert order == {g: list(range(100)) for g in GROUPS}  # each event once, each group in arrival order
    by = {name: sum(1 for p, _g, _n in seen if p == name) for name in "abc"}
    assert all(by.values()), by  # every processor did part of the work


async def _settled(*procs: Processor) -> bool:
    held = [len(p.keeper.mine or ()) for p in procs]
    return sum(held) == PARTS and max(held) - min(held) <= 1 + PARTS % len(procs)


async def _empty(repo: Repo) -> bool:
    return await repo.intake.pending_count() == 0
