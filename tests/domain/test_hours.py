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


@given(st.lists(st.integers(min_value=0, max_value=50), min_size=24, max_size=24),
       st.integers(min_value=0, max_value=23), st.integers(min_value=0, max_value=23))
def test_an_automatic_time_inside_a_window_stays_inside_it(hist, a, b):
    window = (a * 60, b * 60)
    h = int(push_time(hist, window=window)[:2])
    assert (a <= h <= b) if a <= b else (h >= a or h <= b)


def test_the_busiest_morning_hour_wins_even_when_the_evening_is_busier():
    hist = [0] * 24
    hist[20], hist[9], hist[7] = 50, 4, 3
    assert push_time(hist) == "20:00"
    assert push_time(hist, window=(7 * 60, 10 * 60)) == "09:00"
    assert push_time([0] * 24, window=(7 * 60, 10 * 60)) == "08:00"
    assert push_time([0] * 24, window=(9 * 60 + 30, 11 * 60)) == "09:30"


async def test_the_morning_report_without_a_time_goes_out_inside_the_configured_window(make_bot):
    from bot.core.jobs import effective
    from handlers.reports import MORNING_REPORT

    now = datetime(2026, 11, 26, 23, 0, tzinfo=SH).timestamp()
    bot = await make_bot(clock=lambda: now, defaults={"morning_auto_window": "08:30-09:30"})
    for i in range(6):  # the group chats at 20:00 only
        await bot.post(message(f"m{i}", f"u-{i}", "晚上好", datetime(2026, 11, 26, 20, i, tzinfo=SH).timestamp()))
    await bot.settle()
    group = bot.config.group("generic:g-1")
    assert group is not None and group.morning_auto_window == (8 * 60 + 30, 9 * 60 + 30)
    eff = await effective(bot.runtime.context, group, MORNING_REPORT)
    assert (eff.spec, eff.source) == ("08:30", "auto")  # nobody chats inside the window: its start
