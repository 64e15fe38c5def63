"""Lifecycle stages with a fixed clock: order of rules, thresholds, hysteresis, idempotent joins."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.config import LifecycleConfig
from bot.domain.lifecycle import rate_ratio, stage
from storage.repo import MemberFacts
from tests.conftest import message

TZ = "Asia/Shanghai"
CFG = LifecycleConfig(new_days=7, dormant_days=30)
DAY = 86400.0
# Noon local time on a fixed date, so local days are unambiguous.
T = datetime(2026, 11, 20, 12, 0, tzinfo=ZoneInfo(TZ)).timestamp()


def facts(membership=(), days=None) -> MemberFacts:
    """A member first seen 100 days ago, or at their first membership event (as storage records it)."""
    first_seen = min((at for _kind, at in membership), default=T - 100 * DAY)
    return MemberFacts("generic:g", "generic:u", "u", 0, first_seen, T, None, None, None, None, False,
                       days=dict(days or {}), membership=list(membership))


def day(offset: int) -> str:
    return (datetime.fromtimestamp(T, ZoneInfo(TZ)).date() - timedelta(days=offset)).isoformat()


def series(per_day: dict[range, int]) -> dict[str, int]:
    out: dict[str, int] = {}
    for offsets, n in per_day.items():
        for k in offsets:
            out[day(k)] = n
    return out


def test_left_wins_over_everything():
    f = facts([("join", T - 2 * DAY), ("leave", T - DAY)])
    assert stage(f, T, CFG, TZ, T - 3600) == "left"
    assert stage(facts([("leave", T - 9 * DAY), ("join", T - DAY)]), T, CFG, TZ, None) == "new"


def test_new_then_dormant_when_silent():
    f = facts([("join", T - 6.9 * DAY)])
    assert stage(f, T, CFG, TZ, None) == "new"
    assert stage(f, T + 0.2 * DAY, CFG, TZ, None) == "dormant"  # never spoke, joined ≥ 7 days ago


def test_dormant_after_thirty_days_without_a_message():
    steady = series({range(0, 60): 1})
    assert stage(facts(days=steady), T, CFG, TZ, T - 29.9 * DAY) == "active"
    assert stage(facts(days=steady), T, CFG, TZ, T - 30 * DAY) == "dormant"


def test_declining_when_recent_rate_halves():
    # 28 days before: 4 a day; last 14 days: 1 a day → ratio 0.25
    f = facts(days=series({range(14, 42): 4, range(0, 14): 1}))
    assert rate_ratio(f.days, day(0)) == 0.25
    assert stage(f, T, CFG, TZ, T - 3600) == "declining"


def test_hysteresis_keeps_declining_until_seventy_percent():
    # Build up: 28 days at 10/day, then 14 days at 4/day (ratio 0.4: declining) ...
    days = series({range(15, 43): 10, range(1, 15): 4})
    # ... then today the member posts 36, so the 14-day window averages 6.6/day.
    days[day(0)] = 4 + 32
    r = rate_ratio(days, day(0))
    assert r is not None and 0.5 <= r < 0.7
    assert rate_ratio(days, day(1)) < 0.5
    assert stage(facts(days=days), T, CFG, TZ, T - 60) == "declining"
    days[day(0)] = 4 + 60  # now ≥ 70 %: leaves declining
    assert rate_ratio(days, day(0)) >= 0.7
    assert stage(facts(days=days), T, CFG, TZ, T - 60) == "active"


def test_between_thresholds_without_prior_decline_stays_active():
    days = series({range(14, 42): 10, range(0, 14): 6})  # 0.6 every day, never under 0.5
    assert stage(facts(days=days), T, CFG, TZ, T - 60) == "active"


async def test_duplicate_joins_within_sixty_seconds_count_once(make_bot):
    now = float(int(time.time()))
    bot = await make_bot(clock=lambda: now)
    join = {"type": "member_joined", "group": {"id": "g-1"}, "user": {"id": "u-5", "name": "新人"}}
    await bot.post({**join, "id": "j1", "time": now - 100, "invited_by": "u-1"})
    await bot.post({**join, "id": "j2", "time": now - 70})  # same join reported again, 30 s later
    await bot.post({**join, "id": "j3", "time": now - 10})  # 90 s after the first: a new join
    await bot.settle()
    [f] = await bot.runtime.repo.members.member_facts("generic:g-1", ["generic:u-5"], "2000-01-01")
    assert [k for k, _ in f.membership] == ["join", "join"]
    assert f.invited_by == "generic:u-1"
    _, p = await bot.profile("generic:u-5")
    assert p["lifecycle"] == "new" and p["stats"]["messages"] == 0


async def test_messages_count_active_days_and_local_hours(make_bot):
    base = datetime(2026, 11, 20, 23, 30, tzinfo=ZoneInfo(TZ)).timestamp()  # 23:30 local = 15:30 UTC
    bot = await make_bot(clock=lambda: base + 7200)
    await bot.post(message("a", "u-1", "hi", base))
    await bot.post(message("b", "u-1", "hi", base + 3600))  # 00:30 local, next local day
    await bot.post(message("c", "u-1", "hi", base + 60))
    await bot.settle()
    _, p = await bot.profile("generic:u-1")
    st = p["stats"]
    assert st["messages"] == 3 and st["active_days"] == 2
    assert st["hours"][23] == 2 and st["hours"][0] == 1 and sum(st["hours"]) == 3
    assert st["first_seen"] == "2026-11-20T15:30:00Z" and st["last_seen"] == "2026-11-20T16:30:00Z"


def test_every_stage_has_one_label_per_locale_used_by_me_and_the_digest():
    from bot.domain.lifecycle import STAGES, stage_label
    from bot.domain.profiles import MemberStage
    from bot.domain.reports import build_weekly
    from storage.repo import Window

    assert [stage_label(s, "zh-CN") for s in STAGES] == ["新人", "活跃", "活跃下降", "沉睡", "已退群"]
    assert [stage_label(s, "en") for s in STAGES] == list(STAGES)
    assert stage_label("declining", "fr") == "活跃下降"  # an unknown locale reads Chinese
    week = Window(0, 0, [], 0)
    data = {"first": "2026-11-16", "last": "2026-11-22", "week": week, "prev": week, "contributors": [],
            "helpers": [], "tags": [], "prev_tags": [], "core": set(), "lurkers": [], "unanswered": [],
            "surveys": [], "checkers": 0, "members": 0, "hours": [0] * 24, "tag_times": [],
            "before": {"m": MemberStage("m", "M", "active")}, "after": {"m": MemberStage("m", "M", "declining")}}
    assert build_weekly(data, "zh-CN")["moves"] == [{"from": "活跃", "to": "活跃下降", "count": 1}]
