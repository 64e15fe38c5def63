"""One core-member definition: a member whose value tier is ``core``. The weekly digest and the daily
core-declining alert use exactly the members ``/tier`` and ``tier=core`` call core."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain import profiles
from bot.domain.recompute import core_members
from bot.domain.reports import build_weekly, gather_weekly
from handlers.routine import core_declining
from tests.conftest import message

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 20, 0, tzinfo=SH)
HISTORY = {  # member → days ago on which they spoke
    "u-1": [*range(15, 43), 5, 2],  # a regular who went quiet: declining, still core
    "u-2": list(range(29, 43)),  # quiet for four weeks: declining, ordinary
    "u-3": list(range(0, 43)),  # every day: active, core
}


async def _group(make_bot):
    bot = await make_bot(clock=NOW.timestamp, tiers={"core": 0.6, "high": 0.5},
                         groups=[{"id": "generic:g-1", "admins": ["generic:u-9"]}])
    for member, days in HISTORY.items():
        for d in days:
            t = (NOW - timedelta(days=d, hours=8)).timestamp()
            await bot.post(message(f"{member}-{d}", member, "大家好", t, name=member.upper()))
        await bot.settle()
    return bot


async def test_core_members_are_the_core_tier_in_the_digest_and_the_alert(make_bot):
    bot = await _group(make_bot)
    rt, group = bot.runtime, bot.config.groups["generic:g-1"]
    found = await profiles.load_group(rt.repo, bot.config, group.id, NOW.timestamp())
    tiers = {p.member: (p.tier, p.lifecycle) for p in found}
    assert tiers == {"generic:u-1": ("core", "declining"), "generic:u-2": ("ordinary", "declining"),
                     "generic:u-3": ("core", "active")}
    assert await core_members(rt.repo, bot.config, group.id) == {"generic:u-1", "generic:u-3"}

    data = await gather_weekly(rt.repo, bot.config, group, NOW.timestamp())
    assert data["core"] == {"generic:u-1", "generic:u-3"}
    week_start = {m: replace(s, lifecycle="active") for m, s in data["after"].items()}
    digest = build_weekly({**data, "before": week_start}, "zh-CN")
    assert digest["declining_core"] == ["U-1"]

    await core_declining(replace(rt.context, group=group), group)
    await bot.settle()
    alerts = [r["text"] for r in bot.receiver.received if r.get("user") == "u-9"]
    assert len(alerts) == 1 and "核心成员 U-1 活跃度明显下降" in alerts[0]
