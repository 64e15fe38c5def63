"""What members and admins read in chat about purchases: ``/me`` (订单数, 消费总额, 客单价 …) and the RFM
breakdown of ``/tier @member`` and ``/tier preview``. Through the real webhook and the signed outbound post."""

from __future__ import annotations

import time
from typing import Any

from tests.commerce.helpers import purchase
from tests.conftest import message

NOW = float(int(time.time()))
DAY = 86400.0
ADMIN = "u-9"
GROUPS = [{"id": "generic:g-1", "admins": ["generic:u-9"], "timezone": "Asia/Shanghai"}]


def fixed() -> float:
    return NOW


def private(bot: Any) -> list[str]:
    return [r["text"] for r in bot.receiver.received if r.get("user") == ADMIN]


async def test_me_shows_what_the_member_bought(make_bot: Any) -> None:
    bot = await make_bot(clock=fixed)
    await bot.post(message("m1", "u-1", "大家好", NOW - 5 * DAY, name="张三"))
    await bot.post(purchase("p-1", "u-1", "o-1", 120.0, NOW - 4 * DAY, channel="小程序"))
    await bot.post(purchase("p-2", "u-1", "o-2", 80.0, NOW - 3 * DAY, channel="小程序"))
    await bot.settle()
    await bot.post(message("c1", "u-1", "/我的画像", NOW, name="张三"))
    await bot.post(message("c2", "u-2", "/me", NOW, name="李四"))
    await bot.settle()
    replies = {r.get("reply_to"): r["text"] for r in bot.receiver.received}
    assert "购买：订单数 2 · 消费总额 200.00 · 客单价 100.00" in replies["c1"]
    assert "最近一次购买：" in replies["c1"] and "（常用渠道：小程序）" in replies["c1"]
    assert "常买品类：红酒" in replies["c1"]
    assert "购买" not in replies["c2"]  # never bought: nothing about purchases


async def test_tier_member_and_preview_show_the_money(make_bot: Any) -> None:
    bot = await make_bot(clock=fixed, groups=GROUPS)
    for n in range(1, 6):
        await bot.post(message(f"m{n}", f"u-{n}", "大家好", NOW - 10 * DAY, name=f"成员{n}"))
    await bot.post(purchase("p-1", "u-1", "o-1", 3000.0, NOW - 60 * DAY))
    await bot.post(purchase("p-2", "u-2", "o-2", 30.0, NOW - 60 * DAY))
    await bot.settle()
    await bot.post(message("c1", ADMIN, "/分层 @u-1", NOW, mentions=["u-1"]))
    await bot.settle()
    await bot.post(message("c2", ADMIN, "/分层 预览 近因=0.5", NOW))
    await bot.settle()
    member, preview = private(bot)
    assert "成员1 的价值分层：高价值" in member or "成员1 的价值分层：核心" in member
    assert "消费 1.00 × 0.3（消费总额 3000.00，有效订单 1 笔" in member
    assert "消费额位列本群前 10%，分层不低于高价值" in member
    assert "贡献" not in member.split("门槛")[0]  # money takes the contribution's place
    assert "分层方式：按消费" in preview and "调整后各层人数：" in preview


async def test_a_group_without_purchases_keeps_the_engagement_tiers(make_bot: Any) -> None:
    bot = await make_bot(clock=fixed, groups=GROUPS)
    await bot.post(message("m1", "u-1", "大家好", NOW - DAY, name="成员1"))
    await bot.settle()
    await bot.post(message("c1", ADMIN, "/分层 @u-1", NOW, mentions=["u-1"]))
    await bot.settle()
    await bot.post(message("c2", ADMIN, "/分层 预览 近因=0.5", NOW))
    await bot.settle()
    member, preview = private(bot)
    assert "贡献" in member and "消费" not in member
    assert "分层方式：按活跃" in preview
