"""Commands are not chat: only members talking count toward messages, days, hours, tags, tiers and questions.

Through the real webhook: an admin who only ever types commands (late at night, many of them), a member who
only checks in with the bare words, and a member who chats.
"""

from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo

from tests.conftest import message

TZ = ZoneInfo("Asia/Shanghai")
NIGHT = datetime.fromtimestamp(time.time(), TZ).replace(hour=23, minute=30, second=0, microsecond=0).timestamp()
NOW = NIGHT + 3600
GROUPS = [{"id": "generic:g-1", "admins": ["generic:u-9"]}]
COMMANDS = ["/me", "/help", "/tier", "/segment 红酒", "/faq 红酒怎么存？", "/start@other_bot 红酒",
            "/nonsense 葡萄酒怎么醒？", "/签到", "/id"]


async def test_an_admin_who_only_types_commands_has_no_messages_tags_or_questions(make_bot):
    bot = await make_bot(clock=lambda: NOW, groups=GROUPS, server={"member_commands_per_minute": 0})
    n = 0
    for _round in range(3):
        for cmd in COMMANDS:
            n += 1
            await bot.post(message(f"c{n}", "u-9", cmd, NIGHT + n, name="群主"))
    for i in range(6):
        await bot.post(message(f"m{i}", "u-2", f"今晚的赤霞珠不错 {i}", NIGHT + 100 + i, name="小李"))
    await bot.settle()
    _, admin = await bot.profile("generic:u-9")
    assert admin["name"] == "群主"
    assert admin["stats"]["messages"] == 0 and admin["stats"]["active_days"] == 0
    assert admin["stats"]["hours"] == [0] * 24
    assert admin["tags"] == []  # no 红酒 from "/segment 红酒", no 夜猫子 / 话痨 / 提问者 from commands
    assert admin["tier"] == "ordinary"
    _, talker = await bot.profile("generic:u-2")
    assert talker["stats"]["messages"] == 6
    assert {t["name"] for t in talker["tags"]} >= {"红酒", "夜猫子", "话痨"}
    questions = await bot.runtime.repo.questions.open_questions("generic:g-1", NOW + 86400, 0)
    assert questions == []  # "/faq 红酒怎么存？" asked the bot, not the group


async def test_bare_check_in_words_are_not_chat(make_bot):
    bot = await make_bot(clock=lambda: NOW)
    for i, word in enumerate(["签到", "打卡！", "簽到", "签到~"]):
        await bot.post(message(f"k{i}", "u-3", word, NIGHT - 86400 * i, name="阿芳"))
    await bot.settle()
    assert len([r for r in bot.receiver.received if "签到成功" in r["text"]]) == 4
    _, p = await bot.profile("generic:u-3")
    assert p["stats"]["messages"] == 0 and p["stats"]["active_days"] == 0 and p["tags"] == []


async def test_me_does_not_raise_its_own_message_count(make_bot):
    bot = await make_bot(clock=lambda: NOW)
    await bot.post(message("m1", "u-1", "周末拍照，新相机", NOW, name="张三"))
    await bot.post(message("m2", "u-1", "赤霞珠配牛排", NOW, name="张三"))
    await bot.settle()
    for i in range(3):
        await bot.post(message(f"c{i}", "u-1", "/me", NOW, name="张三"))
        await bot.settle()
    texts = [r["text"] for r in bot.receiver.received]
    assert len(texts) == 3 and all("消息 2 条" in t for t in texts)
