"""Replies an operator reads in Chinese: what they typed comes back exactly, times may be written the way people
say them, a time the bot cannot read is answered with the forms it accepts, and labels are words, not codes."""

from __future__ import annotations

import itertools

import pytest

from bot.core.scheduler import ScheduleError, parse_hhmm
from tests.conftest import message

NOW = 1_800_000_000.0
ADMIN = "generic:u-9"
GROUPS = [{"id": "generic:g-1", "admins": [ADMIN]}]
_IDS = itertools.count()


async def _ask(bot, text: str, user: str = "u-9") -> str:
    eid = f"c{next(_IDS)}"
    await bot.post(message(eid, user, text, NOW, name="管理员"))
    await bot.settle()
    # an admin lookup is answered privately, with a notice in the group: the private answer is what counts
    replies = [r for r in bot.receiver.received if r.get("reply_to") == eid or r.get("user") == user]
    bot.receiver.received.clear()
    private = [r for r in replies if r.get("user") == user]
    return (private or replies)[-1]["text"]


@pytest.mark.parametrize(("said", "meant"), [("7点", (7, 0)), ("7:00", (7, 0)), ("07:00", (7, 0)),
                                             ("早上7点", (7, 0)), ("晚上8点", (20, 0)), ("下午3点半", (15, 30)),
                                             ("７：３０", (7, 30)), ("中午12点", (12, 0)), ("8点15分", (8, 15))])
def test_times_of_day_as_people_write_them(said, meant):
    assert parse_hhmm(said) == meant


@pytest.mark.parametrize("bad", ["7点钟", "25:00", "晚上25点", "seven"])
def test_other_words_are_no_time(bad):
    with pytest.raises(ScheduleError):
        parse_hhmm(bad)


async def test_news_is_posted_back_exactly_as_typed(make_bot):
    bot = await make_bot(clock=lambda: NOW, groups=GROUPS)
    reply = await _ask(bot, "/news add 周五晚上品鉴会，名额20人")
    assert "周五晚上品鉴会，名额20人" in reply
    assert "周五晚上品鉴会，名额20人" in await _ask(bot, "/资讯 列表")


async def test_a_morning_time_in_chinese_words_and_a_helpful_error(make_bot):
    bot = await make_bot(clock=lambda: NOW, groups=GROUPS)
    assert "每天 07:00" in await _ask(bot, "/早报 时间 早上7点")
    assert "每天 20:00" in await _ask(bot, "/早报 时间 晚上8点")
    error = await _ask(bot, "/早报 时间 7点钟")
    assert "7点钟" in error and "/早报 时间 07:00" in error and "not a time" not in error
    shown = await _ask(bot, "/早报")
    assert "每天 20:00" in shown and "群内设置" in shown and "chat" not in shown


async def test_morning_off_without_time_answers_with_the_usage(make_bot):
    bot = await make_bot(clock=lambda: NOW, groups=GROUPS)
    reply = await _ask(bot, "/早报 off")
    assert reply.startswith("用法：") and "/早报 时间 08:00" in reply


async def test_tier_replies_name_tiers_in_chinese_and_say_how_to_save(make_bot):
    bot = await make_bot(clock=lambda: NOW, groups=GROUPS)
    await bot.post(message("m1", "u-1", "红酒不错", NOW - 3600, name="张三"))
    await bot.settle()
    summary = await _ask(bot, "/分层")
    assert "核心：" in summary and "普通：" in summary and "ordinary" not in summary
    preview = await _ask(bot, "/分层 预览 近因=0.5")
    assert "确认保存请发送：/分层 保存 近因=0.5 频率=" in preview and "tier save" not in preview
