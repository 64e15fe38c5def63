"""The inbox (``bot.core.inbox``): durable, de-duplicated intake and exactly-once processing.

Guarantees checked on a real SQLite file: ``accept`` returns only once the delivery is committed; a
duplicate key returns False and changes nothing; an event's handler writes and the deletion of its inbox
row commit together, so a processor killed in between leaves nothing half-applied and the event runs again
on restart; a write failing at commit parks its event in dead letters without any of its writes; an event
seen by both the hand-off and the table is processed once; a handler sees an earlier event's writes.
The dispatcher is a stand-in with the two calls the inbox makes: observe every event, then handle it.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.core.context import Context
from bot.core.events import ChatRef, Message, UserRef
from bot.core.inbox import Inbox
from bot.core.metrics import Metrics
from bot.core.partition_keeper import PartitionKeeper
from bot.core.render import Renderer
from storage.partitions import PartitionClaims, event_part
from storage.repo import Repo
from tests.conftest import make_config
from tests.storage.backends import Clock, Held, open_database

GROUP = ChatRef("generic", "g-1")
Handler = Callable[[Context], Awaitable[None]]


class ProcessorKilled(Exception):
    """Stands for the process dying after a handler ran and before its writes were committed."""


class Dispatch:
    """What the inbox asks of dispatch: observe every event, then offer it to the handlers."""

    def __init__(self, handler: Handler | None = None, die_after: str = "") -> None:
        self.handler = handler
        self.die_after = die_after
        self.observed: list[str] = []
        self.handled: list[str] = []

    async def observe(self, ctx: Context) -> None:
        assert ctx.event is not None
        self.observed.append(ctx.event.event_id)

    async def handle(self, ctx: Context) -> bool:
        assert ctx.event is not None
        self.handled.append(ctx.event.event_id)
        if self.handler is not None:
            await self.handler(ctx)
        if ctx.event.event_id == self.die_after:
            raise ProcessorKilled
        return self.handler is not None


def said(eid: str, text: str = "红酒") -> Message:
    return Message(eid, GROUP, UserRef("generic", "u-1"), 0.0, text)


async def remember_text(ctx: Context) -> None:
    """A handler with a visible effect: the message's text becomes the group's ``last`` setting."""
    assert isinstance(ctx.event, Message)
    await ctx.repo.settings.set_setting(GROUP.id, "last", ctx.event.text, "")


@asynccontextmanager
async def started(tmp_path: Path, dispatch: Dispatch) -> AsyncIterator[tuple[Inbox, Repo]]:
    config = make_config(tmp_path)
    async with open_database(config.database_url()) as db:
        repo = Repo(db, clock=Clock())
        ctx = Context(config=config, repo=repo, render=Renderer(), clock=repo.clock)
        yield Inbox(repo, dispatch, ctx, Metrics()), repo  # type: ignore[arg-type]


async def drain(inbox: Inbox) -> None:
    while await inbox.process_batch():
        pass


def table(tmp_path: Path, name: str) -> int:
    with sqlite3.connect(tmp_path / "quntag.db") as conn:
        return int(conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0])


async def test_accept_returns_only_once_the_delivery_is_committed(tmp_path: Path) -> None:
    async with started(tmp_path, Dispatch()) as (inbox, repo):
        held = Held()
        busy = await held.hold(repo.db)
        accepting = asyncio.create_task(inbox.accept("generic", "k-1", [said("m-1")]))
        await asyncio.sleep(0.01)
        assert not accepting.done()  # its commit is waiting for the writer
        held.release()
        assert await accepting is True
        await busy
        assert table(tmp_path, "inbox") == 1  # another connection sees it: durable


async def test_a_duplicate_key_returns_false_and_changes_nothing(tmp_path: Path) -> None:
    dispatch = Dispatch()
    async with started(tmp_path, dispatch) as (inbox, repo):
        assert await inbox.accept("generic", "k-1", [said("m-1")]) is True
        assert await inbox.accept("generic", "k-1", [said("m-2")]) is False
        assert await repo.intake.pending_count() == 1
        await drain(inbox)
    assert dispatch.observed == ["m-1"]


async def test_a_processor_killed_before_the_commit_leaves_nothing_half_applied(tmp_path: Path) -> None:
    dying = Dispatch(remember_text, die_after="m-1")
    async with started(tmp_path, dying) as (inbox, repo):
        await inbox.accept("generic", "k-1", [said("m-1", "第一条")])
        with pytest.raises(ProcessorKilled):
            await inbox.process_batch()
        assert await repo.settings.setting(GROUP.id, "last") is None  # the handler's write is not there
        assert await repo.intake.pending_count() == 1  # and the event is still waiting
    restarted = Dispatch(remember_text)
    async with started(tmp_path, restarted) as (inbox, repo):
        await drain(inbox)
        assert await repo.settings.setting(GROUP.id, "last") == ("第一条", "")
        assert await repo.intake.pending_count() == 0
    assert restarted.handled == ["m-1"]


async def test_a_write_failing_at_commit_parks_its_event_without_any_of_its_writes(tmp_path: Path) -> None:
    async def half_then_fail(ctx: Context) -> None:
        assert isinstance(ctx.event, Message)
        await ctx.repo.settings.set_setting(GROUP.id, ctx.event.event_id, ctx.event.text, "")
        if ctx.event.event_id == "m-1":
            await ctx.repo.writer.run(lambda _conn: 1 / 0)

    async with started(tmp_path, Dispatch(half_then_fail)) as (inbox, repo):
        await inbox.accept("generic", "k-1", [said("m-1", "坏的")])
        await inbox.accept("generic", "k-2", [said("m-2", "好的")])
        await drain(inbox)
        assert await repo.settings.setting(GROUP.id, "m-1") is None  # its first write went with the failing one
        assert await repo.settings.setting(GROUP.id, "m-2") == ("好的", "")  # the other event of the batch is applied
        assert await repo.intake.pending_count() == 0
    assert table(tmp_path, "dead_letters") == 1


async def test_an_event_both_paths_see_is_processed_once(tmp_path: Path) -> None:
    dispatch = Dispatch()
    async with started(tmp_path, dispatch) as (inbox, _repo):
        for i in range(3):  # each is in the table and handed over in memory
            await inbox.accept("generic", f"k-{i}", [said(f"m-{i}")])
        assert inbox.handoff.backlog is True  # a new inbox reads the table first
        await drain(inbox)
        inbox.wake()  # and once more from the table
        await drain(inbox)
    assert dispatch.observed == ["m-0", "m-1", "m-2"]


async def test_events_left_by_a_previous_run_are_processed_on_start(tmp_path: Path) -> None:
    async with started(tmp_path, Dispatch()) as (inbox, _repo):
        await inbox.accept("generic", "k-1", [said("m-1")])
    dispatch = Dispatch()
    async with started(tmp_path, dispatch) as (inbox, repo):
        await drain(inbox)
        assert await repo.intake.pending_count() == 0
    assert dispatch.handled == ["m-1"]


async def test_a_handler_sees_the_writes_of_an_earlier_event_in_the_same_batch(tmp_path: Path) -> None:
    seen: list[Any] = []

    async def read_then_write(ctx: Context) -> None:
        seen.append(await ctx.repo.settings.setting(GROUP.id, "last"))
        await remember_text(ctx)

    async with started(tmp_path, Dispatch(read_then_write)) as (inbox, _repo):
        await inbox.accept("generic", "k-1", [said("m-1", "第一条")])
        await inbox.accept("generic", "k-2", [said("m-2", "第二条")])
        assert await inbox.process_batch() == 2  # one batch
    assert seen == [None, ("第一条", "")]


async def test_a_processor_takes_only_its_share_of_the_groups_even_from_its_own_webhook(tmp_path: Path) -> None:
    """Processor 1 of 2 on one machine holds half of the partitions: what its own webhook accepts for the other
    half stays in the table for the other processor, untouched and in order."""
    config = make_config(tmp_path)
    dispatch = Dispatch()
    async with open_database(config.database_url()) as db:
        repo = Repo(db, clock=Clock())
        ctx = Context(config=config, repo=repo, render=Renderer(), clock=repo.clock)
        keeper = PartitionKeeper(PartitionClaims(config.database_url(), 0, 2))
        inbox = Inbox(repo, dispatch, ctx, Metrics(), keeper=keeper)  # type: ignore[arg-type]
        groups = [ChatRef("generic", f"g-{i}") for i in range(24)]
        for i, group in enumerate(groups):
            message = Message(f"m-{i}", group, UserRef("generic", "u-1"), 0.0, "")
            assert await inbox.accept("generic", f"k-{i}", [message])
        await drain(inbox)
        ours = [f"m-{i}" for i, g in enumerate(groups) if keeper.holds(event_part([{"chat": ["generic", g.chat_id]}]))]
        assert 0 < len(ours) < len(groups) and dispatch.handled == ours
        left = await repo.intake.pending(100)
        assert [p.events[0]["event_id"] for p in left] == [f"m-{i}" for i in range(24) if f"m-{i}" not in ours]
