"""Chat commands through the real webhook, the outbox and the generic adapter's signed outbound post."""

from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import message


@pytest.fixture
def bot_storage_url(every_backend: str) -> str:
    """Every test here runs on SQLite and on PostgreSQL."""
    return every_backend

NOW = float(int(time.time()))


async def test_me_replies_with_tags_scores_and_stage(make_bot):
    bot = await make_bot(clock=lambda: NOW)
    await bot.post(message("m1", "u-1", "周末拍照，新相机", NOW, name="张三"))
    await bot.post(message("m2", "u-1", "赤霞珠配牛排", NOW, name="张三"))
    await bot.settle()
    await bot.post(message("c1", "u-1", "/me", NOW, name="张三"))
    await bot.settle()
    [reply] = bot.receiver.received
    assert reply["group"] == "g-1" and reply["reply_to"] == "c1"
    assert "张三 的画像" in reply["text"]
    assert "摄影 2.00" in reply["text"] and "红酒 1.00" in reply["text"]
    assert reply["text"].index("摄影") < reply["text"].index("红酒")  # highest first
    assert "阶段：活跃" in reply["text"] and "消息 2 条" in reply["text"]  # the /me itself is no chat
    assert bot.receiver.all_signed


async def test_chinese_aliases_and_full_width_slash(make_bot):
    bot = await make_bot(clock=lambda: NOW)
    await bot.post(message("c1", "u-1", "/我的画像", NOW, name="李四"))
    await bot.post(message("c2", "u-2", "／帮助", NOW))
    await bot.post(message("c3", "u-3", "/编号", NOW))
    await bot.settle()
    texts = {r.get("reply_to"): r["text"] for r in bot.receiver.received}
    assert "李四 的画像" in texts["c1"]
    for spellings in ("/我的画像 /画像 /me", "/帮助 /菜单 /help", "/编号 /群号 /id"):
        assert spellings in texts["c2"]
    assert texts["c3"] == "本群编号：generic:g-1\n你的成员编号：generic:u-3"


async def test_english_locale_and_unknown_commands(make_bot):
    bot = await make_bot(clock=lambda: NOW, groups=[{"id": "generic:g-1", "locale": "en"}])
    await bot.post(message("c1", "u-1", "/id", NOW))
    await bot.post(message("c2", "u-1", "/nonsense", NOW))
    await bot.post(message("c3", "u-1", "我的画像", NOW))  # no slash: plain chat, no reply
    await bot.settle()
    replies = [r["text"] for r in bot.receiver.received if r.get("reply_to")]
    assert replies == ["Group id: generic:g-1\nYour member id: generic:u-1"]


async def test_replies_survive_a_platform_outage(make_bot):
    bot = await make_bot()
    bot.receiver.fail_next = [503, 500]
    await bot.post(message("c1", "u-1", "/id", time.time()))
    await bot.runtime.inbox.drained()
    for _ in range(100):
        if bot.receiver.received:
            break
        bot.runtime.outbox.wake()
        await bot.runtime.outbox.drained(timeout=0.2)
    assert len(bot.receiver.received) == 1
    text = await (await bot.client.get("/metrics")).text()
    assert 'quntag_send_failures_total{adapter="generic"} 2.0' in text
    assert 'quntag_messages_sent_total{adapter="generic"} 1.0' in text


async def test_member_command_rate_limit(make_bot):
    bot = await make_bot(clock=lambda: NOW, server={"member_commands_per_minute": 3})
    for i in range(6):
        await bot.post(message(f"c{i}", "u-1", "/id", NOW))
    await bot.post(message("other", "u-2", "/id", NOW))
    await bot.settle()
    assert len([r for r in bot.receiver.received if "u-1" in r["text"]]) == 3
    assert len([r for r in bot.receiver.received if "u-2" in r["text"]]) == 1


async def test_private_messages_never_reach_group_statistics(make_bot):
    bot = await make_bot(clock=lambda: NOW)
    await bot.post(message("p1", "u-7", "红酒 私聊", NOW, group="u-7"))  # a one-to-one chat: chat id = user id
    await bot.post(message("g1", "u-7", "红酒", NOW))
    await bot.settle()
    _, groups = await bot.api("/api/groups")
    assert [g["id"] for g in groups] == ["generic:g-1"]


async def test_help_shows_admin_commands_only_to_admins(make_bot):
    bot = await make_bot(clock=lambda: NOW, groups=[{"id": "generic:g-1", "admins": ["generic:u-9"]}])
    await bot.post(message("h1", "u-1", "/帮助", NOW))
    await bot.post(message("h2", "u-9", "/帮助", NOW))
    await bot.settle()
    texts = {r.get("reply_to"): r["text"] for r in bot.receiver.received}
    assert "/me" in texts["h1"] and "管理员命令" not in texts["h1"] and "/segment" not in texts["h1"]
    assert "管理员命令" in texts["h2"] and "/segment" in texts["h2"]


async def test_me_shows_each_tag_once_in_chinese_scores_only_for_keywords_and_survey_answers(make_bot):
    night = datetime(2026, 11, 20, 23, 0, tzinfo=ZoneInfo("Asia/Shanghai")).timestamp()
    now = night + 600
    survey = {"id": "onboarding", "title": "新人问卷", "questions": [
        {"id": "age", "text": "年龄段？", "kind": "single", "options": ["18-29", "30-39"], "attribute": "age_range"},
        {"id": "pay", "text": "月收入？", "kind": "single", "options": ["1万以下", "1万以上"], "attribute": "income",
         "sensitive": True}]}
    # activity tags are admins-only in group posts by default (docs/content.md): made public here to see their form
    bot = await make_bot(clock=lambda: now, surveys=[survey], groups=[{"id": "generic:g-1", "admins": ["generic:u-9"]}],
                         tagging={"visibility": {"activity": "public"}})
    for i in range(5):
        await bot.post(message(f"m{i}", "u-1", "新相机拍的夜景", night + i, name="张三"))
    await bot.post(message("a1", "u-9", "/tag @u-1 +摄影", now - 30, mentions=["u-1"]))
    await bot.post(message("a2", "u-9", "/attr u-1 城市=上海", now - 20))
    await bot.post(message("s0", "u-1", "/answer onboarding 同意", now - 12, name="张三"))
    await bot.post(message("s1", "u-1", "/answer onboarding 1=2 2=2", now - 10, name="张三"))
    await bot.settle()
    _, p = await bot.profile("generic:u-1")
    assert [t["name"] for t in p["tags"]].count("摄影") == 2  # the JSON keeps both entries (keyword and manual)
    bot.receiver.received.clear()
    await bot.post(message("c1", "u-1", "/me", now, name="张三"))
    await bot.settle()
    [reply] = bot.receiver.received
    text = reply["text"]
    assert text.count("摄影") == 1 and "摄影 10.00（兴趣）" in text
    assert "夜猫子（行为）" in text and "夜猫子 " not in text  # a share of messages, not an intensity
    assert "年龄段：30-39" in text
    assert "上海" not in text and "1万以上" not in text and "私聊发送 /我的属性 查看" in text
    for internal in ("interest", "activity", "manual", "survey", "age_range", "income"):
        assert internal not in text, internal
