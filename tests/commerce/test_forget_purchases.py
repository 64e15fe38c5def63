"""``/forget`` erases a member's purchases too: the group's orders, their items and refunds, and the orders that
named no group (they counted in this group as well). Another member's purchases stay. SQLite and PostgreSQL."""

from __future__ import annotations

import time
from typing import Any

import pytest

from storage.repo.privacy import raw_data
from tests.commerce.helpers import purchase, refund
from tests.conftest import message
from tests.handlers.privacy_helpers import tables_containing

NOW = float(int(time.time()))
DAY = 86400.0
UID = "v-7f3a9"


@pytest.fixture
def bot_storage_url(every_backend: str) -> str:
    return every_backend


async def test_forget_erases_every_purchase_of_the_member(make_bot: Any) -> None:
    bot = await make_bot(clock=lambda: NOW)
    await bot.post(message("m1", UID, "你好", NOW - 9 * DAY))
    await bot.post(message("m2", "u-2", "你好", NOW - 9 * DAY))
    await bot.post(purchase("p-1", UID, f"o-{UID}-1", 100.0, NOW - 8 * DAY))
    await bot.post(purchase("p-2", UID, f"o-{UID}-2", 50.0, NOW - 7 * DAY, group=None))
    await bot.post(refund("r-1", UID, f"o-{UID}-2", NOW - 6 * DAY, amount=10.0))
    await bot.post(purchase("p-3", "u-2", "o-other", 70.0, NOW - 5 * DAY))
    await bot.settle()
    mine = await bot.runtime.repo.db.read(lambda c: raw_data(c, "generic:g-1", f"generic:{UID}"))
    assert sorted(r["order_id"] for r in mine["purchase_orders"]) == [f"o-{UID}-1", f"o-{UID}-2"]  # /mydata
    before = await tables_containing(bot, UID)
    assert {"purchase_orders", "purchase_items", "purchase_refunds"} <= set(before), before
    await bot.post(message("c1", UID, "/forget 确认", NOW - 60))
    await bot.settle()
    assert "已删除" in bot.receiver.received[-1]["text"]
    assert await tables_containing(bot, UID) == {}
    _, other = await bot.profile("generic:u-2")
    assert other["commerce"]["spend"] == 70.0
