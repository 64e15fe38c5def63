"""The group roll-ups every backend keeps: messages per local day and hour stay equal to counting the stored
messages (a redelivery never counts twice, an erased member's messages are taken back, a moved group adds its
counts up), and a stored day of lifecycle stages is dropped by any later fact that happened before that day
ended, while live traffic leaves it alone.

Through the Repo's and the console store's public calls, once per backend in ``STORE_URLS``.
"""

from __future__ import annotations

from sqlalchemy import text

from storage.repo import MessageFacts, Repo
from storage.repo.stores.console import SqlConsoleStore
from tests.storage.backends import T0

GROUP, OTHER = "generic:g-1", "generic:g-2"


def said(member: str, message: str, at: float, day: str, hour: int, group: str = GROUP) -> MessageFacts:
    return MessageFacts(group, "测试群", "generic", member, "老王", message, at, day, hour, None, None)


async def counted(repo: Repo, group: str) -> list[tuple[str, int, int]]:
    """What counting the stored messages says, to hold the roll-up against."""
    rows = await repo.db.read(lambda c: c.execute(text(
        "SELECT local_day, local_hour, count(*) FROM messages WHERE group_id = :g GROUP BY local_day, local_hour"),
        {"g": group}).all())
    return sorted((str(d), int(h), int(n)) for d, h, n in rows)


async def test_day_hour_counts_equal_the_stored_messages_through_redelivery_erasure_and_moves(repo: Repo) -> None:
    console = SqlConsoleStore(repo.db)
    for member, message, hour in [("generic:u-1", "m-1", 8), ("generic:u-1", "m-2", 8), ("generic:u-2", "m-3", 8),
                                  ("generic:u-2", "m-4", 21), ("generic:u-1", "m-1", 8)]:  # the last: redelivered
        await repo.activity.record_message(said(member, message, T0, "2026-03-01", hour))
    await repo.activity.record_message(said("generic:u-1", "m-5", T0 + 86400, "2026-03-02", 9))
    assert sorted(await console.messages_by_day_hour(GROUP, "2026-03-01")) == await counted(repo, GROUP) == [
        ("2026-03-01", 8, 3), ("2026-03-01", 21, 1), ("2026-03-02", 9, 1)]
    assert await console.messages_by_day(GROUP, "2026-03-02") == {"2026-03-02": 1}
    hours = await repo.reports.group_hours(GROUP)
    assert (hours[8], hours[9], hours[21], sum(hours)) == (3, 1, 1, 5)

    await repo.privacy.forget_member(GROUP, "generic:u-1", "admin:generic:u-9")
    assert sorted(await console.messages_by_day_hour(GROUP, "2026-01-01")) == await counted(repo, GROUP) == [
        ("2026-03-01", 8, 1), ("2026-03-01", 21, 1)]

    await repo.activity.record_message(said("generic:u-3", "m-9", T0, "2026-03-01", 8, group=OTHER))
    await repo.members.move_group(OTHER, GROUP, "generic", T0 + 99)
    assert await console.messages_by_day(GROUP, "2026-01-01") == {"2026-03-01": 3}
    assert sorted(await console.messages_by_day_hour(GROUP, "2026-01-01")) == await counted(repo, GROUP)


async def test_a_stored_day_of_stages_holds_until_a_fact_from_before_its_end_arrives(repo: Repo) -> None:
    console = SqlConsoleStore(repo.db)
    end_of_day = T0 + 86400
    await console.save_stage_day(GROUP, "2026-03-01", end_of_day, "settings-a",
                                 {"generic:u-1": "active", "generic:u-2": "new"})
    assert await console.stage_day(GROUP, "2026-03-01", "settings-a") == {"generic:u-1": "active",
                                                                          "generic:u-2": "new"}
    assert await console.stage_day(GROUP, "2026-03-01", "settings-b") is None  # other lifecycle settings
    assert await console.stage_day(GROUP, "2026-03-02", "settings-a") is None  # never stored

    await repo.activity.record_message(said("generic:u-1", "m-live", end_of_day + 5, "2026-03-02", 0))
    await repo.activity.record_membership(GROUP, "generic", "测试群", "generic:u-3", "小李", "join",
                                          end_of_day + 6, "e-1", None)
    await repo.activity.record_message(said("generic:u-1", "m-other", T0, "2026-03-01", 8, group=OTHER))
    assert await console.stage_day(GROUP, "2026-03-01", "settings-a") is not None  # newer facts, other groups

    await repo.activity.record_sighting(GROUP, "generic", "测试群", "generic:u-4", "小张", end_of_day - 60)
    assert await console.stage_day(GROUP, "2026-03-01", "settings-a") is None  # a late fact from that day


async def test_late_messages_and_leaves_drop_only_the_days_they_change(repo: Repo) -> None:
    console = SqlConsoleStore(repo.db)
    for i, day in enumerate(["2026-03-01", "2026-03-02", "2026-03-03"]):
        await console.save_stage_day(GROUP, day, T0 + (i + 1) * 86400, "s", {"generic:u-1": "active"})
    await repo.activity.record_message(said("generic:u-1", "m-late", T0 + 2 * 86400 - 10, "2026-03-02", 23))
    assert [await console.stage_day(GROUP, d, "s") is not None for d in ("2026-03-01", "2026-03-02", "2026-03-03")] \
        == [True, False, False]
    await repo.activity.record_membership(GROUP, "generic", "测试群", "generic:u-1", "老王", "leave",
                                          T0 + 10, "e-2", None)
    assert await console.stage_day(GROUP, "2026-03-01", "s") is None
