"""Opting out stops all profiling from the next event on, and survives an erasure."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.conftest import message
from tests.privacy_helpers import member_rows

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=TZ).timestamp()
GROUPS = [{"id": "generic:g-1", "admins": ["generic:u-9"]}]
U1 = "generic:u-1"


async def chatter(bot, prefix: str, t: float) -> None:
    """Everything a member can do that feeds a profile: keywords, a question, a link, a reply, being
    mentioned, a join, an hour never used before; plus admin edits about them."""
    await bot.post(message(f"{prefix}1", "u-1", "我喜欢红酒", t))
    await bot.post(message(f"{prefix}2", "u-1", "哪里买葡萄酒比较好？", t + 1))
    await bot.post(message(f"{prefix}3", "u-1", "看这个 https://example.com/wine", t + 2))
    await bot.post(message(f"{prefix}4", "u-1", "同意", t + 3, reply_to=f"{prefix}5"))
    await bot.post(message(f"{prefix}5", "u-2", "@u-1 你说得对", t + 4, mentions=["u-1"]))
    await bot.post(message(f"{prefix}6", "u-1", "夜里好", t + 9 * 3600))
    await bot.post({"id": f"{prefix}j", "type": "member_joined", "time": t + 5, "group": {"id": "g-1"},
                    "user": {"id": "u-1", "name": "一号"}, "invite_link": "https://t.me/+x"})
    await bot.post(message(f"{prefix}7", "u-9", "/tag @u-1 +摄影", t + 6, mentions=["u-1"]))
    await bot.post(message(f"{prefix}8", "u-9", "/attr @u-1 城市=上海", t + 7, mentions=["u-1"]))


async def test_after_optout_no_per_member_table_changes(make_bot):
    bot = await make_bot(clock=lambda: NOW, groups=GROUPS)
    await chatter(bot, "a", NOW - 86400)
    await bot.settle()
    await bot.profile(U1)  # a recompute stores tiers, stages and activity tags
    await bot.post(message("c1", "u-1", "/optout", NOW - 3600))
    await bot.settle()
    before = await member_rows(bot, U1)
    assert before["members"] and before["tag_hits"] and before["member_hours"]
    await chatter(bot, "b", NOW - 3000)
    await bot.settle()
    status, p = await bot.profile(U1)  # recomputes again
    assert status == 200 and p["opted_out"] is True
    assert await member_rows(bot, U1) == before


async def test_messages_right_after_optout_are_not_profiled(make_bot):
    """Sent without waiting: /optout and what follows can be processed in one batch."""
    bot = await make_bot(clock=lambda: NOW)
    await bot.post(message("m0", "u-1", "你好", NOW - 10))
    await bot.settle()
    await bot.post(message("c1", "u-1", "/退出画像", NOW - 5))
    for i in range(20):
        await bot.post(message(f"m{i + 1}", "u-1", "红酒 怎么选？", NOW - 4))
    await bot.settle()
    rows = await member_rows(bot, U1)
    assert rows["tag_hits"] == [] and rows["questions"] == []
    assert [r[1] for r in rows["message_signals"]] == ["m0"]
    assert {r[1] for r in rows["messages"]} == {"m0", "c1"}


async def test_optin_resumes_profiling(make_bot):
    bot = await make_bot(clock=lambda: NOW)
    await bot.post(message("c1", "u-1", "/optout", NOW - 10))
    await bot.post(message("m1", "u-1", "红酒", NOW - 9))
    await bot.post(message("c2", "u-1", "/加入画像", NOW - 8))
    await bot.post(message("m2", "u-1", "红酒", NOW))
    await bot.settle()
    _, p = await bot.profile(U1)
    assert p["opted_out"] is False
    assert [e["message"] for e in p["tags"][0]["evidence"]] == ["m2"]
