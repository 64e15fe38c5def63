"""Segment atoms on purchases (contract §9): ``orders``, ``spend``, ``avg_order_value``,
``days_since_purchase`` compare numbers, ``channel=VALUE`` tests the preferred channel; purchase category tags
are tags like any other. Through the API, over the real webhook."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

from tests.commerce.helpers import purchase
from tests.conftest import message

NOW = float(int(time.time()))
DAY = 86400.0


def fixed() -> float:
    return NOW


async def _group(make_bot: Any) -> Any:
    bot = await make_bot(clock=fixed)
    for n in (1, 2, 3, 4):
        await bot.post(message(f"m-{n}", f"u-{n}", "大家好", NOW - 50 * DAY))
    await bot.post(purchase("p-1", "u-1", "o-1", 300.0, NOW - 45 * DAY, channel="小程序"))
    await bot.post(purchase("p-2", "u-1", "o-2", 300.0, NOW - 40 * DAY, channel="小程序"))
    await bot.post(purchase("p-3", "u-2", "o-3", 100.0, NOW, channel="门店",
                            items=[{"sku": "t", "name": "茶", "category": "茶叶", "qty": 1, "price": 100}]))
    await bot.post(purchase("p-4", "u-3", "o-4", 40.0, NOW - 10 * DAY, channel="门店"))
    await bot.post(purchase("p-5", "u-3", "o-5", 60.0, NOW - 5 * DAY, channel="门店"))
    await bot.settle()
    return bot


async def _segment(bot: Any, q: str) -> list[str]:
    status, found = await bot.api(f"/api/groups/generic:g-1/segments?q={quote(q)}")
    assert status == 200, found
    return sorted(m.removeprefix("generic:") for m in found)


async def test_numeric_commerce_atoms(make_bot: Any) -> None:
    bot = await _group(make_bot)
    assert await _segment(bot, "orders>=2") == ["u-1", "u-3"]
    assert await _segment(bot, "spend>=500") == ["u-1"]
    assert await _segment(bot, "avg_order_value<100") == ["u-3"]
    assert await _segment(bot, "days_since_purchase>30") == ["u-1"]  # never bought: not "more than 30 days"
    assert await _segment(bot, "orders=0") == ["u-4"]
    # the items' category is a purchase tag, decayed like a keyword tag: u-1's two orders are 40 and 45 days
    # old (0.40 + 0.35 < min_score 1.0 at a 30-day half-life), u-3's 5 and 10 days
    assert await _segment(bot, "orders>=2 & 红酒") == ["u-3"]
    assert await _segment(bot, "茶叶 | spend>=500") == ["u-1", "u-2"]  # one order of tea today: score 1.0


async def test_channel_atom(make_bot: Any) -> None:
    bot = await _group(make_bot)
    assert await _segment(bot, "channel=小程序") == ["u-1"]
    assert await _segment(bot, "channel=门店 & days_since_purchase>3") == ["u-3"]
    assert await _segment(bot, "channel=门店 & !days_since_purchase>3") == ["u-2"]
    assert await _segment(bot, "channel=电商") == []


async def test_repurchase_due_follows_the_members_own_rhythm(make_bot: Any) -> None:
    bot = await _group(make_bot)
    _, u1 = await bot.profile("generic:u-1")
    _, u3 = await bot.profile("generic:u-3")
    _, u2 = await bot.profile("generic:u-2")
    assert u1["commerce"]["repurchase_due"] is True  # every 5 days, and 40 days since
    assert u3["commerce"]["repurchase_due"] is False  # every 5 days, and 5 days since
    assert u2["commerce"]["repurchase_due"] is False  # one order: no rhythm yet
