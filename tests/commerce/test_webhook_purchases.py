"""Purchases and refunds through the real generic webhook (signed), on SQLite and PostgreSQL: stored once per
order, counted in the profile's ``commerce``, refunds full and partial, group-less purchases in every group."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.commerce.helpers import purchase, refund
from tests.conftest import message

NOW = float(int(time.time()))
DAY = 86400.0


@pytest.fixture
def bot_storage_url(every_backend: str) -> str:
    return every_backend


def fixed() -> float:
    return NOW


async def _chat(bot: Any, user: str, group: str = "g-1", eid: str = "") -> None:
    r = await bot.post(message(eid or f"m-{user}-{group}", user, "大家好", NOW - 20 * DAY, group=group))
    assert r.status == 200


async def test_purchase_is_acked_and_shows_in_the_profile(make_bot: Any) -> None:
    bot = await make_bot(clock=fixed)
    await _chat(bot, "u-1")
    r = await bot.post(purchase("p-1", "u-1", "o-1", 199.0, NOW - 10 * DAY))
    assert r.status == 200 and await r.json() == {"ok": True}
    await bot.post(purchase("p-2", "u-1", "o-2", 101.0, NOW - 2 * DAY, channel="门店"))
    await bot.settle()
    status, p = await bot.profile("generic:u-1")
    assert status == 200
    c = p["commerce"]
    assert c["orders"] == 2 and c["spend"] == 300.0 and c["avg_order_value"] == 150.0
    assert c["categories"] == ["红酒"] and c["channel"] == "门店"  # a tie: the latest order's channel
    assert c["first_purchase"] < c["last_purchase"] and c["last_purchase"].endswith("Z")
    assert c["repurchase_due"] is False  # 2 days since the last order, the usual interval is 8
    tag = next(t for t in p["tags"] if t["source"] == "purchase")
    assert tag["name"] == "红酒" and tag["category"] == "interest" and tag["score"] is not None


async def test_a_duplicate_delivery_and_a_repeated_order_count_once(make_bot: Any) -> None:
    bot = await make_bot(clock=fixed)
    await _chat(bot, "u-1")
    ev = purchase("p-1", "u-1", "o-1", 100.0, NOW - DAY)
    for _ in range(2):
        assert (await bot.post(ev)).status == 200
    # the same order under another event id (a shop that retries with a new id): still one order
    assert (await bot.post({**ev, "id": "p-1-again", "amount": 999.0})).status == 200
    await bot.settle()
    _, p = await bot.profile("generic:u-1")
    assert p["commerce"]["orders"] == 1 and p["commerce"]["spend"] == 100.0


async def test_never_bought_means_no_commerce(make_bot: Any) -> None:
    bot = await make_bot(clock=fixed)
    await _chat(bot, "u-2")
    await bot.settle()
    _, p = await bot.profile("generic:u-2")
    assert "commerce" not in p


async def test_full_and_partial_refunds(make_bot: Any) -> None:
    bot = await make_bot(clock=fixed)
    await _chat(bot, "u-1")
    await bot.post(purchase("p-1", "u-1", "o-1", 100.0, NOW - 5 * DAY))
    await bot.post(purchase("p-2", "u-1", "o-2", 300.0, NOW - 4 * DAY))
    await bot.post(refund("r-1", "u-1", "o-1", NOW - 3 * DAY))  # the whole order
    await bot.post(refund("r-2", "u-1", "o-2", NOW - 2 * DAY, amount=50.0))
    await bot.post(refund("r-2", "u-1", "o-2", NOW - 2 * DAY, amount=50.0))  # delivered twice: once
    await bot.post(refund("r-3", "u-1", "o-2", NOW - DAY, amount=25.0))  # a second partial refund
    await bot.settle()
    _, p = await bot.profile("generic:u-1")
    c = p["commerce"]
    assert c["orders"] == 1  # the fully refunded order does not count
    assert c["spend"] == 225.0 and c["avg_order_value"] == 225.0


async def test_everything_refunded_still_shows_commerce_with_no_orders(make_bot: Any) -> None:
    bot = await make_bot(clock=fixed)
    await _chat(bot, "u-1")
    await bot.post(purchase("p-1", "u-1", "o-1", 80.0, NOW - 5 * DAY))
    await bot.post(refund("r-1", "u-1", "o-1", NOW - 3 * DAY, amount=80.0))  # a partial refund of everything
    await bot.settle()
    _, p = await bot.profile("generic:u-1")
    assert p["commerce"]["orders"] == 0 and p["commerce"]["spend"] == 0.0
    assert p["commerce"]["avg_order_value"] == 0.0
    assert not any(t["source"] == "purchase" for t in p["tags"])


async def test_a_purchase_without_a_group_counts_in_every_group_of_the_member(make_bot: Any) -> None:
    bot = await make_bot(clock=fixed)
    await _chat(bot, "u-1", "g-1")
    await _chat(bot, "u-1", "g-2")
    await _chat(bot, "u-3", "g-2")
    await bot.post(purchase("p-1", "u-1", "o-1", 50.0, NOW - DAY, group=None))
    await bot.post(purchase("p-2", "u-1", "o-2", 70.0, NOW - DAY, group="g-2"))
    await bot.settle()
    _, one = await bot.profile("generic:u-1", group="generic:g-1")
    _, two = await bot.profile("generic:u-1", group="generic:g-2")
    _, other = await bot.profile("generic:u-3", group="generic:g-2")
    assert one["commerce"]["spend"] == 50.0 and one["commerce"]["orders"] == 1
    assert two["commerce"]["spend"] == 120.0 and two["commerce"]["orders"] == 2
    assert "commerce" not in other


async def test_bad_purchases_are_400_with_the_reason(make_bot: Any) -> None:
    bot = await make_bot(clock=fixed)
    good = purchase("p-x", "u-1", "o-x", 10.0, NOW)
    cases = [
        ({**good, "order": ""}, "order"),
        ({k: v for k, v in good.items() if k != "order"}, "order"),
        ({**good, "amount": -1}, "amount"),
        ({**good, "amount": "lots"}, "amount"),
        ({k: v for k, v in good.items() if k not in ("amount", "items")}, "amount"),
        ({**good, "items": [{"sku": "a", "qty": 0, "price": 1}]}, "items[0].qty"),
        ({**good, "items": "many"}, "items"),
        ({**good, "group": "g-1"}, "group"),
        ({k: v for k, v in good.items() if k != "user"}, "user"),
        ({**refund("r-x", "u-1", "o-x", NOW), "amount": 0}, "amount"),
    ]
    for body, field in cases:
        r = await bot.post(body)
        assert r.status == 400, body
        assert field in (await r.json())["error"], (field, await r.json())
    await bot.settle()
    assert (await bot.profile("generic:u-1"))[0] == 404  # nothing was stored


async def test_amount_may_come_from_the_items(make_bot: Any) -> None:
    bot = await make_bot(clock=fixed)
    await _chat(bot, "u-1")
    items = [{"sku": "a", "name": "开瓶器", "category": "酒具", "qty": 2, "price": 15.5},
             {"sku": "b", "name": "干红", "category": "红酒", "qty": 1, "price": 120}]
    assert (await bot.post(purchase("p-1", "u-1", "o-1", None, NOW - DAY, items=items))).status == 200
    await bot.settle()
    _, p = await bot.profile("generic:u-1")
    assert p["commerce"]["spend"] == 151.0
    assert p["commerce"]["categories"] == ["红酒", "酒具"]  # most spent first


async def test_a_refund_before_its_order_counts_once_the_order_arrives(make_bot: Any) -> None:
    bot = await make_bot(clock=fixed)
    await _chat(bot, "u-1")
    await bot.post(refund("r-1", "u-1", "o-1", NOW - DAY, amount=40.0))
    await bot.post(purchase("p-1", "u-1", "o-1", 100.0, NOW - 2 * DAY))
    await bot.settle()
    _, p = await bot.profile("generic:u-1")
    assert p["commerce"]["spend"] == 60.0
