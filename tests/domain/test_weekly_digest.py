"""The weekly digest's member numbers: lifecycle moves only between real stages, and 潜水 as one definition."""

from __future__ import annotations

from bot.domain import reports as report_texts
from bot.domain.reports.weekly import build_weekly, gather_weekly
from tests.conftest import message
from tests.handlers.test_operations import Clock, ts

GROUPS = [{"id": "generic:g-1", "name": "酒友群", "admins": ["generic:u-9"]}]


def joined(eid: str, user: str, t: float, name: str = "") -> dict[str, object]:
    return {"id": eid, "type": "member_joined", "time": t, "group": {"id": "g-1"},
            "user": {"id": user, **({"name": name} if name else {})}}


async def group_with_a_week(make_bot):
    """Monday 2026-11-30; the digest covers 11-23 … 11-29. u-1 chats every day since 11-01; u-5 joins this
    week and stays silent, u-6 joins this week and talks."""
    clock = Clock(ts("2026-11-30 09:00"))
    bot = await make_bot(clock=clock, groups=GROUPS)
    await bot.post(joined("j1", "u-1", ts("2026-11-01 10:00"), "老周"))
    for day in range(1, 30):
        await bot.post(message(f"a{day}", "u-1", "今天开了一瓶赤霞珠", ts(f"2026-11-{day:02d} 20:00"), name="老周"))
    await bot.post(joined("j5", "u-5", ts("2026-11-26 10:00"), "新来的"))
    await bot.post(joined("j6", "u-6", ts("2026-11-27 10:00"), "小六"))
    await bot.post(message("b1", "u-6", "大家好", ts("2026-11-27 11:00"), name="小六"))
    await bot.settle()
    return bot, clock


async def test_someone_who_joined_this_week_moved_from_nowhere(make_bot):
    bot, clock = await group_with_a_week(make_bot)
    rt = bot.runtime
    group = bot.config.groups["generic:g-1"]
    data = await gather_weekly(rt.repo, bot.config, group, clock.t)
    assert data["before"]["generic:u-5"].lifecycle is None  # not yet in the group when the week began
    assert data["after"]["generic:u-5"].lifecycle == "new"
    assert build_weekly(data, "zh-CN")["moves"] == []
    text = (await report_texts.weekly(rt.repo, rt.context.render, bot.config, group, clock.t)).plain()
    assert "新人 2（上周 0）" in text and "沉睡→新人" not in text and "阶段变化" not in text
