"""Reads inside an event that skip the replay of its pending writes (``Footprint`` in
``storage.repo.transactions``) answer exactly what the replay answers: moderation's newcomer facts and strike
count, for a newcomer's first message, a message processed again, a member who refused profiling, and a strike
taken earlier in the same event. Once per backend in ``STORE_URLS``."""

from __future__ import annotations

from sqlalchemy import Connection

from storage.repo import Delivery, MessageFacts, Repo, UnitOfWork, moderation
from tests.storage.backends import T0

GROUP = "generic:g-1"
ME, OTHER = "generic:u-1", "generic:u-2"


def facts(message_id: str, member: str = ME, at: float = T0) -> MessageFacts:
    return MessageFacts(group_id=GROUP, group_name="测试群", adapter="generic", member_id=member, member_name="小王",
                        message_id=message_id, at=at, local_day="2026-01-01", local_hour=8, reply_to=None, text=None)


async def event(repo: Repo) -> UnitOfWork:
    [seq] = await repo.intake.accept([Delivery("generic", f"k-{T0}-{id(repo)}", ({"type": "message"},))])
    assert seq
    return UnitOfWork(seq)


async def replayed(repo: Repo, uow: UnitOfWork, member: str = ME) -> tuple[float | None, int]:
    """The newcomer facts as the replay of every pending write sees them (the reference)."""
    def read(conn: Connection) -> tuple[float | None, int]:
        return moderation.newcomer_facts(conn, GROUP, member)
    return await uow.read(repo.db, read)


async def test_a_newcomers_first_message_counts_before_it_commits(repo: Repo) -> None:
    uow = await event(repo)
    await repo.bound(uow).activity.record_message(facts("m-1", at=T0 - 86400))
    assert uow.pending(moderation.NEWCOMER_TABLES) == [facts("m-1", at=T0 - 86400)]
    assert await repo.bound(uow).moderation.newcomer_facts(GROUP, ME) == (T0 - 86400, 1) == await replayed(repo, uow)
    assert await repo.moderation.newcomer_facts(GROUP, ME) == (None, 0)  # nothing committed
    assert await repo.bound(uow).moderation.ladder_facts(GROUP, ME, T0 - 3600, ("observe",)) == (T0 - 86400, 1, 0)


async def test_an_established_members_message_adds_one_and_keeps_the_first_sight(repo: Repo) -> None:
    await repo.activity.record_membership(GROUP, "generic", "测试群", ME, "小王", "join", T0 - 500, "j-1", None)
    for i in range(3):
        await repo.activity.record_message(facts(f"old-{i}", at=T0 - 100 + i))
    uow = await event(repo)
    await repo.bound(uow).activity.record_message(facts("m-1"))
    await repo.bound(uow).activity.record_message(facts("m-x", member=OTHER))  # someone else's: not theirs
    assert await repo.bound(uow).moderation.newcomer_facts(GROUP, ME) == (T0 - 500, 4) == await replayed(repo, uow)


async def test_a_message_processed_again_is_not_counted_twice(repo: Repo) -> None:
    await repo.activity.record_message(facts("m-1", at=T0 + 5))
    uow = await event(repo)
    await repo.bound(uow).activity.record_message(facts("m-1", at=T0 + 5))  # a crash re-runs its observers
    await repo.bound(uow).activity.record_message(facts("m-2", at=T0 - 5))
    await repo.bound(uow).activity.record_message(facts("m-2", at=T0 - 5))  # twice in one event
    assert await repo.bound(uow).moderation.newcomer_facts(GROUP, ME) == (T0 - 5, 2) == await replayed(repo, uow)


async def test_nothing_is_counted_for_a_member_who_refused_profiling(repo: Repo) -> None:
    await repo.privacy.set_opt_out(GROUP, ME, True)
    uow = await event(repo)
    await repo.bound(uow).activity.record_message(facts("m-1"))
    assert await repo.bound(uow).moderation.newcomer_facts(GROUP, ME) == (None, 0) == await replayed(repo, uow)


async def test_other_writes_about_the_member_are_replayed(repo: Repo) -> None:
    uow = await event(repo)
    await repo.bound(uow).activity.record_membership(GROUP, "generic", "测试群", ME, "小王", "join", T0 - 50, "j-1",
                                                     None)
    await repo.bound(uow).activity.record_message(facts("m-1"))
    assert uow.pending(moderation.NEWCOMER_TABLES) is None  # a join is no message count: replayed
    assert await repo.bound(uow).moderation.newcomer_facts(GROUP, ME) == (T0 - 50, 1) == await replayed(repo, uow)


async def test_another_members_message_with_the_same_id_is_replayed(repo: Repo) -> None:
    uow = await event(repo)
    await repo.bound(uow).activity.record_message(facts("m-1", member=OTHER))
    await repo.bound(uow).activity.record_message(facts("m-1"))  # the id is taken: it does not count
    assert await repo.bound(uow).moderation.newcomer_facts(GROUP, ME) == (None, 0) == await replayed(repo, uow)


async def test_a_strike_taken_earlier_in_the_event_counts(repo: Repo) -> None:
    await repo.moderation.record_moderation(GROUP, ME, T0 - 60, "ad", "warn", "observe", strike=True)
    uow = await event(repo)
    event_repo = repo.bound(uow)
    await event_repo.activity.record_message(facts("m-1"))
    assert await event_repo.moderation.moderation_strikes(GROUP, ME, T0 - 3600, ("observe",)) == 1
    assert await event_repo.moderation.ladder_facts(GROUP, ME, T0 - 3600, ("observe",)) == (T0, 1, 1)
    await event_repo.moderation.record_moderation(GROUP, ME, T0, "ad", "mute", "observe", strike=True)
    assert await event_repo.moderation.moderation_strikes(GROUP, ME, T0 - 3600, ("observe",)) == 2
    assert await event_repo.moderation.ladder_facts(GROUP, ME, T0 - 3600, ("observe",)) == (T0, 1, 2)
    assert await repo.moderation.moderation_strikes(GROUP, ME, T0 - 3600, ("observe",)) == 1  # not committed
