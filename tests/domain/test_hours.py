"""One best-hour rule: the busiest local hours, busiest first, the earlier hour on ties — for /insights,
segments and personas, and for the morning report's automatic time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.hours import DEFAULT_PUSH_TIME, busiest_hours, push_time
from bot.domain.insights import insights
from tests.conftest import message

SH = ZoneInfo("Asia/Shanghai")


def test_busiest_first_earlier_hour_on_ties_only_hours_with_messages():
    hist = [0] * 24
    hist[20], hist[9], hist[12], hist[3] = 5, 7, 5, 1
    assert busiest_hours(hist) == [9, 12, 20]
    assert busiest_hours(hist, 5) == [9, 12, 20, 3]
    assert busiest_hours([0] * 24) == []


@given(st.lists(st.integers(min_value=0, max_value=50), min_size=24, max_size=24))
def test_the_push_time_is_the_first_best_hour(hist):
    if any(hist):
        busiest = max(range(24), key=lambda h: (hist[h], -h))
        assert push_time(hist) == f"{busiest:02d}:00" == f"{busiest_hours(hist)[0]:02d}:00"
    else:
        assert push_time(hist) == DEFAULT_PUSH_TIME


async def test_insights_and_the_morning_reports_automatic_time_name_the_same_hour(make_bot):
    now = datetime(2026, 11, 26, 23, 0, tzinfo=SH).timestamp()
    bot = await make_bot(clock=lambda: now)
    for i, (user, hour) in enumerate([("u-1", 21), ("u-2", 21), ("u-1", 8), ("u-3", 8), ("u-3", 13)]):
        t = datetime(2026, 11, 26, hour, i, tzinfo=SH).timestamp()
        await bot.post(message(f"m{i}", user, "早上好", t))
    await bot.settle()
    repo = bot.runtime.repo
    best = (await insights(repo, bot.config, "generic:g-1", now))["best_hours"]
    assert best == [8, 21, 13]
    assert push_time(await repo.reports.group_hours("generic:g-1")) == "08:00"
