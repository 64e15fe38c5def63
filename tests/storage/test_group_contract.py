"""What every storage backend keeps about groups and stored text: a group that moves to a new id (a Telegram
group upgraded to a supergroup) takes its members, counters and hits along, adding up counts both ids hold;
member text older than the retention window goes from every copy, and newer text stays.

Through the Repo's public calls only, once per backend in ``STORE_URLS`` (see ``backends.py``).
"""

from __future__ import annotations

from sqlalchemy import text

from storage.repo import MessageFacts, Repo
from tests.storage.backends import T0

OLD, NEW = "telegram:-100", "telegram:-200"
DAY = "2026-01-01"


def said(group: str, member: str, message: str, at: float, words: str = "红酒不错") -> MessageFacts:
    return MessageFacts(group, "品酒群", "telegram", member, "老王", message, at, DAY, 8, None, words)


async def test_a_moved_group_takes_its_rows_along_and_adds_up_shared_counters(repo: Repo) -> None:
    await repo.activity.record_message(said(OLD, "telegram:u-1", "m-1", T0))
    await repo.activity.record_message(said(OLD, "telegram:u-1", "m-2", T0 + 1))
    await repo.activity.record_tag_hits(OLD, "telegram:u-1", "m-1", T0, [("红酒", "红酒")])
    await repo.activity.record_message(said(NEW, "telegram:u-1", "m-3", T0 + 2))  # already seen under the new id
    await repo.members.move_group(OLD, NEW, "telegram", T0 + 3)
    assert await repo.members.resolve_group(OLD) == NEW
    assert [g for g, _name, _n in await repo.members.groups()] == [NEW]
    [member] = await repo.members.member_facts(NEW, ["telegram:u-1"], DAY)
    assert member.messages == 3 and member.first_seen == T0
    assert await repo.reports.tag_hits_between(NEW, ["红酒"], T0 - 1, T0 + 10) == 1
    days = await repo.db.read(lambda c: c.execute(text("SELECT group_id, day, messages FROM member_days")).all())
    assert days == [(NEW, DAY, 3)]


async def test_text_older_than_the_window_goes_from_every_copy(repo: Repo) -> None:
    await repo.activity.record_message(said(NEW, "telegram:u-1", "m-old", T0, "我家在上海"))
    await repo.activity.record_message(said(NEW, "telegram:u-1", "m-new", T0 + 100, "明天见"))
    await repo.settings.set_setting(NEW, "notify_pending:telegram:u-9", '{"text": "通知：老王"}', "")
    await repo.settings.set_setting(NEW, "morning_time", "08:30", "09:00")
    purged = await repo.privacy.purge_text(T0 + 50)
    assert purged["messages"] == 1 and purged["group_settings"] == 1
    texts = await repo.db.read(lambda c: c.execute(text("SELECT message_id, text FROM messages")).all())
    assert sorted(texts) == [("m-new", "明天见"), ("m-old", None)]
    assert await repo.settings.setting(NEW, "notify_pending:telegram:u-9") is None
    assert await repo.settings.setting(NEW, "morning_time") == ("08:30", "09:00")
