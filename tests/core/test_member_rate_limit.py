"""Every message the bot answers counts against the sender's per-minute limit ([server]
member_commands_per_minute): slash commands, the bare words 签到 / 打卡, and private gate answers alike."""

from __future__ import annotations

import pytest

from bot.core.events import ChatRef, JoinRequest, UserRef
from bot.core.timeutil import day_minus, local_day
from tests.conftest import message

NOW = 1_800_000_000.0
LIMIT = 3


async def _bot(make_bot, **kw):
    return await make_bot(clock=lambda: NOW, server={"member_commands_per_minute": LIMIT}, **kw)


@pytest.mark.parametrize("texts", [["签到"] * 6, ["打卡！"] * 6, ["/签到", "签到", "/id", "打卡", "签到", "/checkin"]])
async def test_bare_words_and_commands_share_one_limit(make_bot, texts):
    bot = await _bot(make_bot)
    for i, text in enumerate(texts):
        await bot.post(message(f"c{i}", "u-1", text, NOW, name="小林"))
    await bot.post(message("other", "u-2", "签到", NOW, name="小王"))
    await bot.settle()
    answered = {r["reply_to"] for r in bot.receiver.received if r.get("reply_to")}
    assert answered == {"c0", "c1", "c2", "other"}
    told = [r for r in bot.receiver.received if "太快" in r["text"]]
    assert len(told) == 1 and told[0].get("user") == "u-1"  # once, privately


async def test_a_limited_bare_word_is_not_a_check_in_either(make_bot):
    bot = await _bot(make_bot)
    for i in range(LIMIT):
        await bot.post(message(f"c{i}", "u-1", "/id", NOW))
    await bot.post(message("late", "u-1", "签到", NOW))
    await bot.settle()
    day = local_day(NOW, "Asia/Shanghai")
    assert await bot.runtime.repo.checkins.checkin_leaders("generic:g-1", day, day_minus(day, 1), 10) == (0, [])


async def test_private_gate_answers_are_limited_too(make_bot):
    gate = {"keyword": "品酒", "question": "入群暗号？", "otherwise": "hold", "timeout_minutes": 60}
    bot = await _bot(make_bot, groups=[{"id": "generic:g-1", "gate": gate}])
    rt = bot.runtime
    ask = JoinRequest("j1", ChatRef("generic", "g-1"), UserRef("generic", "u-5"), NOW, user_name="申请人",
                      request_id="r1", answer_private=True)
    await rt.inbox.accept("generic", ask.event_id, [ask])
    await bot.settle()
    bot.receiver.received.clear()
    for i in range(6):
        await bot.post(message(f"p{i}", "u-5", "不知道", NOW, group="u-5"))  # private chat: chat id = user id
    await bot.settle()
    private = [r["text"] for r in bot.receiver.received if r.get("user") == "u-5"]
    assert sum("入群暗号？" in t for t in private) == LIMIT
    assert sum("太快" in t for t in private) == 1 and len(private) == LIMIT + 1


async def test_admins_get_a_higher_limit_and_are_told_once_when_they_reach_it(make_bot):
    bot = await make_bot(clock=lambda: NOW, defaults={"admins": ["generic:u-9"]},
                         server={"member_commands_per_minute": LIMIT, "admin_commands_per_minute": 5})
    for i in range(9):
        await bot.post(message(f"a{i}", "u-9", "/id", NOW, name="管理员"))
    await bot.settle()
    answered = {r["reply_to"] for r in bot.receiver.received if r.get("reply_to")}
    assert answered == {f"a{i}" for i in range(5)}
    told = [r for r in bot.receiver.received if "太快" in r["text"]]
    assert len(told) == 1 and "5" in told[0]["text"] and told[0].get("user") == "u-9"


async def test_a_member_the_platform_cannot_message_privately_is_told_once_in_the_group(make_bot):
    bot = await _bot(make_bot)
    bot.runtime.context.dm_allowed = lambda _user: False
    for i in range(LIMIT + 4):
        await bot.post(message(f"c{i}", "u-1", "/id", NOW, name="小林"))
    await bot.settle()
    told = [r for r in bot.receiver.received if "太快" in r["text"]]
    assert len(told) == 1 and told[0].get("group") == "g-1"


async def test_after_the_minute_the_limit_resets_and_the_next_burst_is_told_again(make_bot):
    now = [NOW]
    bot = await make_bot(clock=lambda: now[0], server={"member_commands_per_minute": LIMIT})
    for burst in range(2):
        for i in range(LIMIT + 2):
            await bot.post(message(f"b{burst}-{i}", "u-1", "/id", now[0]))
        await bot.settle()
        now[0] += 61
    assert sum("太快" in r["text"] for r in bot.receiver.received) == 2
