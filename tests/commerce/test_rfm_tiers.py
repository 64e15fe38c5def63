"""Value tiers with and without money (contract §9): a group with purchase data is tiered by RFM (money in the
contribution's place), the top tenth of spenders is never below ``high``; a group without purchases keeps the
engagement-based contribution. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from tests.commerce.helpers import purchase
from tests.conftest import message

NOW = float(int(time.time()))
DAY = 86400.0


@pytest.fixture
def bot_storage_url(every_backend: str) -> str:
    return every_backend


def fixed() -> float:
    return NOW


async def _states(bot: Any, group: str) -> dict[str, tuple[str, dict[str, Any]]]:
    from bot.domain.recompute import ensure_fresh

    rt = bot.runtime
    await ensure_fresh(rt.repo, bot.config, group, NOW)
    return {m: (tier, json.loads(b)) for m, (tier, _s, b) in (await rt.repo.profiles.member_states(group)).items()}


async def test_money_decides_between_members_who_chat_alike(make_bot: Any) -> None:
    bot = await make_bot(clock=fixed)
    for n in range(1, 12):  # eleven members, one message each 20 days ago, in both groups
        for g in ("g-1", "g-2"):
            await bot.post(message(f"m-{g}-{n}", f"u-{n}", "大家好", NOW - 20 * DAY, group=g))
    for n in range(1, 11):  # in g-2 they buy: 10, 20, … 100; u-11 spends 5000
        await bot.post(purchase(f"p-{n}", f"u-{n}", f"o-{n}", 10.0 * n, NOW - 60 * DAY, group="g-2"))
    await bot.post(purchase("p-11", "u-11", "o-11", 5000.0, NOW - 60 * DAY, group="g-2"))
    await bot.settle()

    plain = await _states(bot, "generic:g-1")
    assert {b["model"] for _t, b in plain.values()} == {"engagement"}
    assert len({t for t, _b in plain.values()}) == 1  # alike in chat, alike in tier
    assert "contribution" in plain["generic:u-11"][1]["components"]

    rfm = await _states(bot, "generic:g-2")
    assert {b["model"] for _t, b in rfm.values()} == {"rfm"}
    top_tier, top = rfm["generic:u-11"]
    assert top["components"]["money"] == 1.0 and top["inputs"]["spend"] == 5000.0 and top["inputs"]["top_spender"]
    assert top_tier in ("core", "high")
    assert rfm["generic:u-10"][0] in ("core", "high")  # the top tenth of 11 spenders is 2 members
    low_tier, low = rfm["generic:u-1"]
    assert low_tier in ("growth", "ordinary") and not low["inputs"]["top_spender"]
    assert low["components"]["money"] < top["components"]["money"]


async def test_recent_orders_count_for_recency_and_frequency(make_bot: Any) -> None:
    bot = await make_bot(clock=fixed)
    for n in (1, 2):
        await bot.post(message(f"m-{n}", f"u-{n}", "大家好", NOW - 40 * DAY))
    for k in range(3):  # u-1 bought three times this month; u-2 bought once, long ago
        await bot.post(purchase(f"p-1-{k}", "u-1", f"o-1-{k}", 50.0, NOW - (k + 1) * DAY))
    await bot.post(purchase("p-2", "u-2", "o-2", 50.0, NOW - 200 * DAY))
    await bot.settle()
    states = await _states(bot, "generic:g-1")
    buyer, idle = states["generic:u-1"][1], states["generic:u-2"][1]
    assert buyer["components"]["recency"] > 0.9 and buyer["components"]["frequency"] == 1.0
    assert idle["components"]["recency"] == 0.0
    assert buyer["inputs"]["days_since_last_message"] == 40.0  # the chat side stays as it was
    assert states["generic:u-1"][0] in ("core", "high") and states["generic:u-2"][0] == "ordinary"
