"""Several processors sending one PostgreSQL database's outbox (``bot.core.outbox`` with partition keepers).

Each message leaves once, each chat's messages in order, and a chat's rate limit holds when its partition
moves to another processor: the new sender knows when the last messages to that chat left. Real server,
hand-moved clock, a stand-in platform.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from bot.core import partition_keeper
from bot.core.metrics import Metrics
from bot.core.outbox import Outbox
from bot.core.partition_keeper import PartitionKeeper
from storage.partitions import PartitionClaims
from storage.repo import Repo
from tests.core.test_outbox import Platform, queue
from tests.storage.backends import Clock, open_database


@asynccontextmanager
async def sender(url: str, platform: Platform, clock: Clock) -> AsyncIterator[Outbox]:
    """One processor's outbox over its own connections, holding its share of the partitions."""
    async with open_database(url) as db:
        keeper = PartitionKeeper(PartitionClaims(url))
        await keeper.start()
        try:
            yield Outbox(Repo(db, clock=clock), {"generic": platform}, Metrics(), clock, keeper=keeper)
        finally:
            await keeper.stop()


async def test_a_chats_rate_limit_holds_when_another_processor_takes_it_over(pg_url: str) -> None:
    clock = Clock()
    platform = Platform(per_minute=2)
    async with open_database(pg_url) as db:
        repo = Repo(db, clock=clock)
        await queue(repo, "g-1", "一", "二", "三")
        async with sender(pg_url, platform, clock) as first:
            await first.send_due()
        assert platform.sent == [("g-1", "一"), ("g-1", "二")]  # the minute's two
        async with sender(pg_url, platform, clock) as second:  # the first processor is gone: this one has g-1
            clock.now += 30
            await second.send_due()
            assert len(platform.sent) == 2  # it knows the minute is not over for g-1
            clock.now += 30
            await second.send_due()
        assert platform.sent[-1] == ("g-1", "三")
        assert await repo.delivery.next_outgoing_at() is None


async def test_two_processors_send_each_message_once_and_each_chat_in_order(
        pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(partition_keeper, "REBALANCE_S", 0.05)
    clock = Clock()
    a_platform, b_platform = Platform(per_minute=100), Platform(per_minute=100)
    chats = [f"g-{i}" for i in range(12)]
    async with open_database(pg_url) as db, sender(pg_url, a_platform, clock) as a:
        repo = Repo(db, clock=clock)
        async with sender(pg_url, b_platform, clock) as b:
            await b.keeper.rebalance()
            for _ in range(40):  # a lets half of the partitions go at its next rebalance, b takes them
                await a.keeper.rebalance()
                await b.keeper.rebalance()
                if a.keeper.mine and b.keeper.mine and len(a.keeper.mine) + len(b.keeper.mine) == 64:
                    break
            assert not (a.keeper.mine or set()) & (b.keeper.mine or set())
            for n in range(5):
                for chat in chats:
                    await queue(repo, chat, f"第{n}条")
            await asyncio.gather(a.send_due(), b.send_due())
            assert await repo.delivery.next_outgoing_at() is None
    sent = a_platform.sent + b_platform.sent
    assert sorted(sent) == sorted((chat, f"第{n}条") for n in range(5) for chat in chats)  # each once
    for platform in (a_platform, b_platform):
        for chat in chats:
            assert [t for c, t in platform.sent if c == chat] in ([], [f"第{n}条" for n in range(5)])
    assert a_platform.sent and b_platform.sent  # both did part of the work
