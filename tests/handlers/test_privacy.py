"""Member self-service privacy in chat: opt-out, opt-in, forget (checked table by table), mydata."""

from __future__ import annotations

import json
import time

from sqlalchemy import func, select, text

from storage.repo.erasure import pseudonym
from storage.repo.privacy import member_tables
from tests.conftest import message

NOW = float(int(time.time()))


async def rows_about(bot, member: str) -> dict[str, int]:
    def count(conn):
        out = {}
        for t in member_tables():
            n = conn.execute(select(func.count()).select_from(t).where(t.c.member_id == member)).scalar()
            if n:
                out[t.name] = n
        return out
    return await bot.runtime.db.read(count)


async def test_optout_hides_tags_and_stops_profiling(make_bot):
    bot = await make_bot(clock=lambda: NOW)
    await bot.post(message("m1", "u-1", "红酒", NOW))
    await bot.post(message("c1", "u-1", "/退出画像", NOW))
    await bot.settle()
    _, p = await bot.profile("generic:u-1")
    assert p["opted_out"] is True and p["tags"] == []
    await bot.post(message("m2", "u-1", "葡萄酒", NOW))
    await bot.post(message("c2", "u-1", "/optin", NOW))
    await bot.settle()
    _, p = await bot.profile("generic:u-1")
    assert p["opted_out"] is False
    assert [e["message"] for e in p["tags"][0]["evidence"]] == ["m1"]  # m2 was not recorded while opted out
    assert "退出画像" in bot.receiver.received[0]["text"]


async def test_forget_asks_first_then_erases_everything_in_that_group_only(make_bot):
    bot = await make_bot(clock=lambda: NOW)
    join = {"id": "j1", "type": "member_joined", "time": NOW - 50, "group": {"id": "g-1"},
            "user": {"id": "u-1"}, "invited_by": "u-2"}
    await bot.post(join)
    await bot.post({**join, "id": "j2", "user": {"id": "u-3"}, "invited_by": "u-1"})
    await bot.post(message("m1", "u-1", "红酒", NOW))
    await bot.post(message("m2", "u-1", "红酒", NOW, group="g-2"))
    await bot.post(message("c1", "u-1", "/删除我的数据", NOW))
    await bot.settle()
    assert "确认" in bot.receiver.received[-1]["text"]
    before = await rows_about(bot, "generic:u-1")
    assert {"members", "messages", "member_days", "member_hours", "membership_events", "tag_hits"} <= set(before)
    await bot.post(message("c2", "u-1", "/删除我的数据 确认", NOW))
    await bot.settle()
    assert "已删除" in bot.receiver.received[-1]["text"]
    status, _ = await bot.profile("generic:u-1")
    assert status == 404
    status, other = await bot.profile("generic:u-1", group="generic:g-2")
    assert status == 200 and other["stats"]["messages"] == 1  # another group is untouched

    def leftovers(conn):
        found = {}
        for t in member_tables():
            n = conn.execute(select(func.count()).select_from(t).where(
                t.c.member_id == "generic:u-1", t.c.group_id == "generic:g-1")).scalar()
            if n:
                found[t.name] = n
        invited = conn.execute(text("SELECT count(*) FROM members WHERE invited_by = 'generic:u-1' "
                                    "AND group_id = 'generic:g-1'")).scalar()
        audit = conn.execute(text("SELECT action, actor FROM audit_log")).all()
        dedupe = conn.execute(text("SELECT count(*) FROM dedupe_keys")).scalar()
        return found, invited, audit, dedupe

    found, invited, audit, dedupe = await bot.runtime.db.read(leftovers)
    assert found == {} and invited == 0
    assert ("forget", "member:" + pseudonym("generic:u-1")) in [tuple(a) for a in audit]  # audited, one-way
    assert dedupe == 6  # delivery keys stay, so a re-delivery is not counted again
    await bot.post(message("m1", "u-1", "红酒", NOW))
    await bot.settle()
    assert (await bot.profile("generic:u-1"))[0] == 404


async def test_mydata_goes_private_only(make_bot):
    bot = await make_bot(clock=lambda: NOW)
    await bot.post(message("m1", "u-1", "红酒", NOW))
    await bot.post(message("c1", "u-1", "/我的数据", NOW))
    await bot.settle()
    private = [r for r in bot.receiver.received if "user" in r]
    public = [r for r in bot.receiver.received if "group" in r]
    # a readable summary first (no raw tier, no JSON), then the full data as one compact JSON message
    assert len(private) == 2 and {p["user"] for p in private} == {"u-1"}
    summary, full = private[0]["text"], private[1]["text"]
    assert "数据摘要" in summary and "标签：红酒" in summary and "{" not in summary and "tier" not in summary
    data = json.loads(full)
    assert "tag_hits" in data["stored"] and "tier" not in data["profile"] and "member_states" not in data["stored"]
    assert len(public) == 1 and "私信" in public[0]["text"] and "tag_hits" not in public[0]["text"]


async def test_text_is_stored_only_when_configured_and_purged_after_retention(make_bot):
    day = 86400.0
    bot = await make_bot(clock=lambda: NOW, storage={"store_text": True, "text_retention_days": 10})
    await bot.post(message("old", "u-1", "红酒 old", NOW - 11 * day))
    await bot.post(message("new", "u-1", "红酒 new", NOW))
    await bot.settle()
    await bot.runtime.purge_text()
    _, p = await bot.profile("generic:u-1")
    texts = {e["message"]: e.get("text") for e in p["tags"][0]["evidence"]}
    assert texts == {"new": "红酒 new", "old": None}


async def test_no_text_is_stored_by_default(make_bot):
    bot = await make_bot(clock=lambda: NOW)
    await bot.post(message("m", "u-1", "红酒 secret", NOW))
    await bot.settle()

    def texts(conn):
        return conn.execute(text("SELECT text FROM messages")).scalars().all()
    assert await bot.runtime.db.read(texts) == [None]
