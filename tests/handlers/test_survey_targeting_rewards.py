"""Surveys sent to a segment with one reminder, and points spent on rewards, end to end through the generic
webhook, the real app, its minute jobs and the fake outbound receiver."""

from __future__ import annotations

import time
from typing import Any

from tests.conftest import message

ADMIN = "u-9"
TASTE = {"id": "taste", "title": "口味", "segment": "红酒", "remind_after_hours": 1, "questions": [
    {"id": "q", "text": "最爱哪种？", "kind": "single", "options": ["干红", "干白"], "attribute": "最爱"}]}
QUICK = {"id": "quick", "title": "快问", "reward_points": 10, "questions": [
    {"id": "q", "text": "常来吗？", "kind": "single", "options": ["常来", "偶尔"], "attribute": "频率"}]}


class Clock:
    def __init__(self) -> None:
        self.now = float(int(time.time()))

    def __call__(self) -> float:
        return self.now


async def build(make_bot: Any, clock: Clock) -> Any:
    return await make_bot(clock=clock, surveys=[TASTE, QUICK], scheduler={"grace_minutes": 0},
                          groups=[{"id": "generic:g-1", "admins": [f"generic:{ADMIN}"]}],
                          defaults={"rewards": [{"name": "酒杯", "points": 8, "description": "限量"}]})


def private_to(bot: Any, user: str) -> list[str]:
    return [r["text"] for r in bot.receiver.received if r.get("user") == user]


def in_group(bot: Any) -> list[str]:
    return [r["text"] for r in bot.receiver.received if r.get("group") == "g-1"]


async def say(bot: Any, eid: str, user: str, text: str, name: str = "") -> None:
    assert (await bot.post(message(eid, user, text, bot.clock(), name=name))).status == 200


async def test_a_targeted_survey_reaches_only_its_segment_and_reminds_non_responders_once(make_bot):
    clock = Clock()
    bot = await build(make_bot, clock)
    await say(bot, "m-1", "u-1", "红酒真好喝", "张三")
    await say(bot, "m-2", "u-2", "今天天气不错", "李四")
    await say(bot, "m-3", "u-3", "周末开了瓶红酒", "王五")
    await bot.settle()
    await say(bot, "m-4", ADMIN, "/survey start taste")
    await bot.settle()
    assert any("最爱哪种" in t for t in private_to(bot, "u-1"))
    assert any("最爱哪种" in t for t in private_to(bot, "u-3"))
    assert private_to(bot, "u-2") == []
    assert any("私信 2 人" in t for t in in_group(bot))
    await bot.post({"id": "p-1", "type": "message", "time": clock(), "private": True, "user": {"id": "u-3"},
                    "text": "/答题 taste 1=2"})
    await bot.settle()
    _, p3 = await bot.profile("generic:u-3")
    assert p3["attributes"]["最爱"]["value"] == "干白"

    clock.now += 1800  # not yet due
    await bot.runtime.jobs.minutely()
    await bot.settle()
    assert not any("提醒" in t for t in private_to(bot, "u-1"))
    clock.now += 1900
    await bot.runtime.jobs.minutely()
    await bot.settle()
    clock.now += 60
    await bot.runtime.jobs.minutely()  # a minute later: nothing again
    await bot.settle()
    assert len([t for t in private_to(bot, "u-1") if "提醒" in t]) == 1
    assert not any("提醒" in t for t in private_to(bot, "u-3") + private_to(bot, "u-2") + in_group(bot))


async def test_a_bad_segment_is_explained_and_sends_nothing(make_bot):
    clock = Clock()
    bot = await build(make_bot, clock)
    await say(bot, "m-1", "u-1", "红酒真好喝")
    await say(bot, "m-2", ADMIN, "/survey start taste 红酒 &")
    await bot.settle()
    assert any("查询有误" in t for t in in_group(bot))
    assert private_to(bot, "u-1") == []


async def test_points_are_redeemed_only_when_the_balance_covers_them_and_every_redemption_is_logged(make_bot):
    clock = Clock()
    bot = await build(make_bot, clock)
    await say(bot, "m-1", "u-1", "/兑换", "张三")
    await say(bot, "m-2", "u-1", "/兑换 酒杯", "张三")
    await bot.settle()
    listing, short = in_group(bot)[-2:]
    assert "酒杯：8 积分" in listing and "你有 0 积分" in listing
    assert "积分不够" in short and "你现在有 0 积分" in short
    await say(bot, "m-3", "u-1", "/answer quick 1=1", "张三")
    await say(bot, "m-4", "u-1", "/兑换 酒杯", "张三")
    await bot.settle()
    assert "剩余 2 积分" in in_group(bot)[-1]
    await say(bot, "m-5", "u-1", "/兑换 酒杯", "张三")
    await say(bot, "m-6", "u-1", "/rank", "张三")
    await say(bot, "m-7", "u-1", "/兑换 记录", "张三")
    await say(bot, "m-8", ADMIN, "/兑换 记录", "管理员")
    await say(bot, "m-9", "u-1", "/兑换 金条", "张三")
    await bot.settle()
    again, rank, mine, everyone, unknown = in_group(bot)[-5:]
    assert "积分不够" in again and "你现在有 2 积分" in again
    assert "你的积分：2" in rank
    assert "你最近的兑换记录" in mine and mine.count("酒杯") == 1
    assert "张三 兑换「酒杯」，8 积分" in everyone
    assert "没有名为「金条」的奖励" in unknown
