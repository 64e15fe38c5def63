"""The two transaction modes, once per backend in ``STORE_URLS``: an event's writes commit together with the
removal of its inbox row or not at all, the event's own reads see them before that, and immediate services
commit at once whatever they are bound to (``storage.repo.transactions``)."""

from __future__ import annotations

from sqlalchemy import Connection, text

from bot.adapters.generic import parse_event
from bot.core.events import event_to_dict
from storage.repo import Delivery, DerivedState, DerivedTag, Repo, UnitOfWork, erasure
from tests.storage.backends import T0, points

GROUP = "generic:g-1"
EVENT = {"type": "message", "id": "m-1", "text": "/签到"}


async def accepted(repo: Repo, key: str = "k-1") -> int:
    [seq] = await repo.intake.accept([Delivery("generic", key, (EVENT,))])
    assert seq
    return seq


def dead_letters(conn: Connection) -> int:
    return int(conn.execute(text("SELECT count(*) FROM dead_letters")).scalar() or 0)


def poison(_conn: Connection) -> None:
    raise ValueError("a write that cannot be applied")


async def test_an_events_writes_commit_with_the_removal_of_its_inbox_row(repo: Repo) -> None:
    seq = await accepted(repo)
    uow = UnitOfWork(seq)
    event = repo.bound(uow)
    await event.news.add_news(GROUP, "周五品鉴会", "generic:u-1")
    await event.checkins.credit(GROUP, "generic:u-1", "welcome", 10)
    assert await repo.news.pending_news(GROUP) == [] and await points(repo, "generic:u-1") == 0
    assert await repo.intake.pending_count() == 1  # nothing of the event is committed yet
    done = await repo.intake.commit_units([(seq, uow)], finish=True)
    assert not done.failed and not done.dropped
    assert [t for _id, t in await repo.news.pending_news(GROUP)] == ["周五品鉴会"]
    assert await points(repo, "generic:u-1") == 10
    assert await repo.intake.pending_count() == 0


async def test_a_failing_event_commits_nothing_of_its_own_and_loses_nothing(repo: Repo) -> None:
    good, bad = await accepted(repo, "k-1"), await accepted(repo, "k-2")
    fine, broken = UnitOfWork(good), UnitOfWork(bad)
    await repo.bound(fine).news.add_news(GROUP, "好消息", "generic:u-1")
    await repo.bound(broken).news.add_news(GROUP, "不该出现", "generic:u-2")
    await repo.bound(broken).checkins.credit(GROUP, "generic:u-2", "welcome", 10)
    await broken.run(poison)  # the event's third write fails at commit
    done = await repo.intake.commit_units([(good, fine), (bad, broken)], finish=True)
    assert set(done.failed) == {bad} and "ValueError" in done.failed[bad]
    assert [t for _id, t in await repo.news.pending_news(GROUP)] == ["好消息"]  # the other event is unharmed
    assert await points(repo, "generic:u-2") == 0  # none of the failed event's writes
    assert await repo.intake.pending_count() == 0
    assert await repo.db.read(dead_letters) == 1  # its delivery is kept aside, not lost


async def test_an_event_reads_its_own_writes_before_they_commit(repo: Repo) -> None:
    seq = await accepted(repo)
    uow = UnitOfWork(seq)
    first_handler, later_handler = repo.bound(uow), repo.bound(uow)
    await first_handler.settings.set_setting(GROUP, "morning_time", "08:30", "09:00")
    await first_handler.checkins.record_checkin(GROUP, "generic:u-1", "2026-01-01", "2025-12-31", T0, 5, 7, 0)
    assert await later_handler.settings.setting(GROUP, "morning_time") == ("08:30", "09:00")
    state = await later_handler.checkins.checkin_state(GROUP, "generic:u-1", "2026-01-01", "2025-12-31")
    assert state.already and state.points == 5
    assert await repo.settings.setting(GROUP, "morning_time") is None  # outside the event: not committed
    assert await points(repo, "generic:u-1") == 0
    await repo.intake.commit_units([(seq, uow)], finish=True)
    assert await points(repo, "generic:u-1") == 5  # applied once, not once per read


async def test_a_recompute_inside_an_event_waits_for_the_event_and_is_seen_by_it(repo: Repo) -> None:
    seq = await accepted(repo)
    uow = UnitOfWork(seq)
    event = repo.bound(uow)
    saved = await event.profiles.save_recompute(GROUP, [DerivedTag("generic:u-1", "提问者", "activity", 1.0, "{}")],
                                                [DerivedState("generic:u-1", "core", 0.9, "{}", "active")], T0,
                                                "stamp")
    assert saved == []  # transitions are only known at the event's commit
    assert (await event.profiles.recompute_fingerprint(GROUP))[1] == "stamp"
    assert (await event.profiles.member_states(GROUP))["generic:u-1"][0] == "core"
    assert await repo.profiles.member_states(GROUP) == {}  # committed nothing in the middle of the event
    await repo.intake.commit_units([(seq, uow)], finish=True)
    assert (await repo.profiles.member_states(GROUP))["generic:u-1"][0] == "core"


async def test_immediate_services_commit_at_once_even_inside_an_event(repo: Repo) -> None:
    uow = UnitOfWork(await accepted(repo))
    event = repo.bound(uow)
    assert event.writer.immediate is False and repo.writer.immediate is True
    assert await event.questions.claim_alert(GROUP, "complaints", "w-1", 5)
    assert not await repo.questions.claim_alert(GROUP, "complaints", "w-1", 5)  # already committed
    await event.delivery.set_adapter_state("generic", "offset", "42")
    assert await repo.delivery.adapter_state("generic") == {"offset": "42"}
    await repo.activity.record_membership(GROUP, "generic", "测试群", "generic:u-1", "老王", "join", T0, "j-1", None)
    assert await event.privacy.forget_member(GROUP, "generic:u-1", "member:generic:u-1")
    assert not await repo.privacy.member_stored(GROUP, "generic:u-1") and uow.erasing
    assert uow.fns == []  # none of them waits for the event


async def test_an_unbound_repo_commits_every_write_on_return(repo: Repo) -> None:
    await repo.news.add_news(GROUP, "周五品鉴会", "generic:u-1")
    await repo.tags.set_member_tag(GROUP, "generic:u-1", "红酒", "interest", "admin", "", T0)
    committed = Repo(repo.db)  # another caller, reading only what is committed
    assert [t for _id, t in await committed.news.pending_news(GROUP)] == ["周五品鉴会"]
    assert await committed.tags.tag_detail(GROUP, "generic:u-1", "红酒") is not None


async def test_an_erasure_in_a_batch_drops_the_erased_members_later_event_and_keeps_the_others(repo: Repo) -> None:
    victim = {"type": "message", "id": "m-v", "time": T0, "group": {"id": "g-1"}, "user": {"id": "u-7"}, "text": "红酒"}
    other = {"type": "message", "id": "m-o", "time": T0, "group": {"id": "g-1"}, "user": {"id": "u-8"}, "text": "你好"}
    seqs = await repo.intake.accept([Delivery("generic", "k-forget", (EVENT,)),
                                     Delivery("generic", "k-victim", (event_to_dict(parse_event("generic", victim)),)),
                                     Delivery("generic", "k-other", (event_to_dict(parse_event("generic", other)),))])
    forget, theirs, others = UnitOfWork(seqs[0]), UnitOfWork(seqs[1]), UnitOfWork(seqs[2])
    await forget.run(lambda c: erasure.forget(c, GROUP, "generic:u-7"))  # an admin's /forget, in its event
    await repo.bound(theirs).news.add_news(GROUP, "被删成员的事件", "generic:u-7")
    await repo.bound(others).news.add_news(GROUP, "别人的事件", "generic:u-8")
    done = await repo.intake.commit_units([(seqs[0], forget), (seqs[1], theirs), (seqs[2], others)], finish=True)
    assert done.dropped == {seqs[1]} and not done.failed  # its inbox row went with the erasure: nothing of it
    assert [t for _id, t in await repo.news.pending_news(GROUP)] == ["别人的事件"]
    assert await repo.intake.pending_count() == 0
