"""Day/hour counts summed over a batch of events (``event_statements.summing``) end up exactly as one upsert per
message would leave them: a write of a later event that reads the counts sees every earlier event's, a read
inside an event sees its own, a failing event takes only its own counts, an erasure in the batch leaves none of
the erased member's. Once per backend in ``STORE_URLS``."""

from __future__ import annotations

from sqlalchemy import Connection, text

from bot.adapters.generic import parse_event
from bot.core.events import event_to_dict
from storage.repo import Delivery, MessageFacts, Repo, UnitOfWork, erasure, pending_erasures
from tests.storage.backends import T0

GROUP = "generic:g-1"
DAY, HOUR = "2026-01-01", 8


def facts(message_id: str, member: str = "generic:u-1") -> MessageFacts:
    return MessageFacts(group_id=GROUP, group_name="测试群", adapter="generic", member_id=member, member_name="",
                        message_id=message_id, at=T0, local_day=DAY, local_hour=HOUR, reply_to=None, text=None)


def counts(conn: Connection, member: str = "generic:u-1") -> tuple[int, int, int]:
    """(member's messages that day, at that hour, the group's at that day and hour)."""
    def one(sql: str, **params: object) -> int:
        return int(conn.execute(text(sql), params).scalar() or 0)
    return (one("SELECT messages FROM member_days WHERE group_id = :g AND member_id = :m AND day = :d",
                g=GROUP, m=member, d=DAY),
            one("SELECT messages FROM member_hours WHERE group_id = :g AND member_id = :m AND hour = :h",
                g=GROUP, m=member, h=HOUR),
            one("SELECT messages FROM group_day_hours WHERE group_id = :g AND day = :d AND hour = :h",
                g=GROUP, d=DAY, h=HOUR))


async def events(repo: Repo, n: int) -> list[tuple[int, UnitOfWork]]:
    seqs = await repo.intake.accept([Delivery("generic", f"k-{i}", ({"type": "message"},)) for i in range(n)])
    return [(int(seq or 0), UnitOfWork(int(seq or 0))) for seq in seqs]


async def test_a_batch_counts_each_message_once(repo: Repo) -> None:
    await repo.activity.record_message(facts("before"))  # committed on its own, one upsert
    batch = await events(repo, 4)
    for i, (_seq, uow) in enumerate(batch):
        await repo.bound(uow).activity.record_message(facts(f"m-{i}", "generic:u-1" if i % 2 else "generic:u-2"))
    await repo.bound(batch[3][1]).activity.record_message(facts("m-1"))  # counted before: not again
    done = await repo.intake.commit_units(batch, finish=True)
    assert not done.failed and not done.dropped
    assert await repo.db.read(counts) == (3, 3, 5)
    assert await repo.db.read(lambda c: counts(c, "generic:u-2")) == (2, 2, 5)


async def test_a_later_write_that_reads_the_counts_sees_the_earlier_events(repo: Repo) -> None:
    batch = await events(repo, 3)
    for i, (_seq, uow) in enumerate(batch[:2]):
        await repo.bound(uow).activity.record_message(facts(f"m-{i}"))
    seen: list[tuple[int, int, int]] = []
    await batch[2][1].run(lambda c: seen.append(counts(c)))  # no footprint: it may read anything
    await repo.intake.commit_units(batch, finish=True)
    assert seen == [(2, 2, 2)]


async def test_a_read_inside_an_event_sees_its_own_count(repo: Repo) -> None:
    await repo.activity.record_message(facts("before"))
    [(_seq, uow)] = await events(repo, 1)
    await repo.bound(uow).activity.record_message(facts("m-1"))
    assert await uow.read(repo.db, counts) == (2, 2, 2)
    assert await repo.db.read(counts) == (1, 1, 1)  # nothing committed yet


async def test_a_failing_event_takes_only_its_own_counts(repo: Repo) -> None:
    batch = await events(repo, 3)
    for i, (_seq, uow) in enumerate(batch):
        await repo.bound(uow).activity.record_message(facts(f"m-{i}"))

    def poison(_conn: Connection) -> None:
        raise ValueError("a write that cannot be applied")
    await batch[1][1].run(poison)
    done = await repo.intake.commit_units(batch, finish=True)
    assert set(done.failed) == {batch[1][0]}
    assert await repo.db.read(counts) == (2, 2, 2)


async def test_an_erasure_in_the_batch_leaves_none_of_the_erased_members_counts(repo: Repo) -> None:
    victim = {"type": "message", "id": "m-v", "time": T0, "group": {"id": "g-1"}, "user": {"id": "u-7"}, "text": "红"}
    seqs = await repo.intake.accept([Delivery("generic", "k-v", (event_to_dict(parse_event("generic", victim)),)),
                                     Delivery("generic", "k-forget", ({"type": "message"},)),
                                     Delivery("generic", "k-o", ({"type": "message"},))])
    theirs, forget, other = UnitOfWork(seqs[0] or 0), UnitOfWork(seqs[1] or 0), UnitOfWork(seqs[2] or 0)
    await repo.bound(theirs).activity.record_message(facts("m-v", "generic:u-7"))
    await forget.run(lambda c: erasure.forget(c, GROUP, "generic:u-7"))  # an admin's /forget, in its event
    await repo.bound(other).activity.record_message(facts("m-o", "generic:u-8"))
    done = await repo.intake.commit_units([(seqs[0] or 0, theirs), (seqs[1] or 0, forget), (seqs[2] or 0, other)],
                                          finish=True)
    assert not done.failed
    assert await repo.db.read(lambda c: counts(c, "generic:u-7")) == (0, 0, 1)  # the group keeps the other's
    assert await repo.db.read(lambda c: counts(c, "generic:u-8")) == (1, 1, 1)


def member_rows(conn: Connection, group: str) -> list[tuple[object, ...]]:
    return [tuple(r) for r in conn.execute(text(
        "SELECT member_id, name, name_at, messages, first_seen, last_seen, last_message_at FROM members "
        "WHERE group_id = :g ORDER BY member_id"), {"g": group})]


async def test_member_rows_end_as_one_upsert_per_message_leaves_them(repo: Repo) -> None:
    # (member, name, at): names out of time order, a tie, unnamed messages, a member known before
    seen = [("u-1", "", 50.0), ("u-1", "老王", 40.0), ("u-1", "王哥", 60.0), ("u-1", "王总", 60.0), ("u-1", "", 70.0),
            ("u-2", "", 30.0), ("u-3", "小李", 20.0), ("u-3", "李", 10.0), ("u-4", "新名", 5.0)]
    groups = {"batched": "generic:g-a", "one_by_one": "generic:g-b"}
    for group in groups.values():  # u-4 was named later than any of this batch's messages
        await repo.activity.record_message(MessageFacts(group, "", "generic", "u-4", "旧名", "m-old", T0 + 100,
                                                        DAY, HOUR, None, None))
    batch = await events(repo, len(seen))
    for i, ((member, name, at), (_seq, uow)) in enumerate(zip(seen, batch, strict=True)):
        one = MessageFacts(groups["batched"], "", "generic", member, name, f"m-{i}", T0 + at, DAY, HOUR, None, None)
        await repo.bound(uow).activity.record_message(one)
        await repo.activity.record_message(MessageFacts(groups["one_by_one"], "", "generic", member, name, f"m-{i}",
                                                        T0 + at, DAY, HOUR, None, None))
    await repo.intake.commit_units(batch, finish=True)
    batched = await repo.db.read(lambda c: member_rows(c, groups["batched"]))
    assert batched == await repo.db.read(lambda c: member_rows(c, groups["one_by_one"]))
    assert [(m, n, k) for m, n, _a, k, *_rest in batched] == [("u-1", "王总", 5), ("u-2", "", 1), ("u-3", "小李", 2),
                                                             ("u-4", "旧名", 2)]


async def test_a_sender_who_refused_profiling_is_not_counted_in_a_batch(repo: Repo) -> None:
    await repo.privacy.set_opt_out(GROUP, "generic:u-2", True)
    batch = await events(repo, 3)
    for i, (_seq, uow) in enumerate(batch):
        await repo.bound(uow).activity.record_message(facts(f"m-{i}", f"generic:u-{i + 1}"))
    await repo.intake.commit_units(batch, finish=True)
    assert await repo.db.read(lambda c: counts(c, "generic:u-1")) == (1, 1, 2)
    assert await repo.db.read(lambda c: counts(c, "generic:u-2")) == (0, 0, 2)
    assert await repo.db.read(lambda c: counts(c, "generic:u-3")) == (1, 1, 2)


async def test_an_erasure_applied_again_in_the_batch_finds_the_counts_written(repo: Repo) -> None:
    batch = await events(repo, 2)
    await repo.db.write(lambda c: pending_erasures.record(c, GROUP, "generic:u-7", (), T0))  # both predate it
    await repo.bound(batch[0][1]).activity.record_message(facts("m-v", "generic:u-7"))
    await repo.bound(batch[1][1]).activity.record_message(facts("m-o", "generic:u-8"))
    done = await repo.intake.commit_units(batch, finish=True)
    assert not done.failed and not done.dropped
    assert await repo.db.read(lambda c: counts(c, "generic:u-7")) == (0, 0, 1)  # applied again after the batch
    assert await repo.db.read(lambda c: counts(c, "generic:u-8")) == (1, 1, 1)
    assert not await repo.privacy.member_stored(GROUP, "generic:u-7")
