"""Opting out stops all profiling from the next event on, and survives an erasure."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from zoneinfo import ZoneInfo

from tests.conftest import message
from tests.handlers.privacy_helpers import member_rows

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
    assert await profiling_rows(bot) == {k: v for k, v in before.items() if k != "moderation_log"}


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
    assert {r[1] for r in rows["messages"]} == {"m0"}  # the command itself is no chat message


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


async def profiling_rows(bot, mentions=True):
    """Per-member rows but the moderation log: group rules (and their ladder) apply to opted-out members too."""
    rows = await member_rows(bot, U1, mentions=mentions)
    rows.pop("moderation_log")
    return rows


async def markers(bot) -> list[tuple[str, ...]]:
    return [tuple(r) for r in await bot.runtime.db.read(
        lambda c: c.exec_driver_sql("SELECT * FROM do_not_profile").all())]


async def test_forget_keeps_the_opt_out_and_the_next_messages_are_not_profiled(make_bot):
    bot = await make_bot(clock=lambda: NOW, groups=GROUPS)
    await chatter(bot, "a", NOW - 86400)
    await bot.post(message("c1", "u-1", "/optout", NOW - 3600))
    await bot.post(message("c2", "u-1", "/forget 确认", NOW - 3500))
    await bot.settle()
    assert "退出画像的选择会保留" in bot.receiver.received[-1]["text"]
    empty = await member_rows(bot, U1, mentions=False)
    assert not any(empty.values()), empty
    [(group, key)] = await markers(bot)  # the marker: a group and a one-way key, no name, no data
    assert group == "generic:g-1" and "u-1" not in key
    await chatter(bot, "b", NOW - 3000)
    await bot.settle()
    assert await profiling_rows(bot, mentions=False) == {k: v for k, v in empty.items() if k != "moderation_log"}
    assert (await bot.profile(U1))[0] == 404
    await bot.post(message("c3", "u-1", "/optin", NOW - 100))
    await bot.post(message("m9", "u-1", "红酒", NOW))
    await bot.settle()
    assert await markers(bot) == []
    _, p = await bot.profile(U1)
    assert p["opted_out"] is False and p["stats"]["messages"] == 1


async def test_forget_without_opt_out_leaves_no_marker(make_bot):
    bot = await make_bot(clock=lambda: NOW)
    await bot.post(message("m1", "u-1", "红酒", NOW - 10))
    await bot.post(message("c1", "u-1", "/删除我的数据 确认", NOW - 5))
    await bot.settle()
    assert await markers(bot) == [] and "退出画像" not in bot.receiver.received[-1]["text"]
    await bot.post(message("m2", "u-1", "红酒", NOW))
    await bot.settle()
    assert (await bot.profile(U1))[1]["stats"]["messages"] == 1  # a new start, profiled again


def test_cli_forget_keeps_the_opt_out(tmp_path, capsys):
    from bot.faces.cli import main
    from tests.faces.test_cli import write_config

    cfg = write_config(tmp_path)
    events = tmp_path / "e.jsonl"
    events.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in [
        message("m1", "u-1", "红酒", NOW - 20), message("c1", "u-1", "/optout", NOW - 10)]) + "\n", encoding="utf-8")
    assert main(["replay", str(events), "--config", cfg]) == 0
    assert main(["forget", "generic:g-1", "generic:u-1", "--yes", "--config", cfg]) == 0
    later = tmp_path / "later.jsonl"
    later.write_text(json.dumps(message("m2", "u-1", "红酒 葡萄酒", NOW), ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["replay", str(later), "--config", cfg]) == 0
    capsys.readouterr()
    assert main(["profile", "generic:g-1", "generic:u-1", "--config", cfg]) == 1
    db = sqlite3.connect(tmp_path / "q.db")
    assert db.execute("SELECT count(*) FROM messages WHERE member_id = 'generic:u-1'").fetchone() == (0,)
    assert db.execute("SELECT count(*) FROM do_not_profile").fetchone() == (1,)
