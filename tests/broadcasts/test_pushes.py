"""Push measurement on a constructed chat: response and baseline rates match the ones worked out by hand,
``insights`` reports them per kind and slot, and the automatic morning slot explains itself in /早报."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.domain import insights, push_slots, pushes
from tests.conftest import message


@pytest.fixture
def bot_storage_url(every_backend: str) -> str:
    """SQLite and PostgreSQL alike."""
    return every_backend

T = 1_793_577_600.0  # Monday 2026-11-02 08:00 in Shanghai: the morning report goes out
H, W = 3600.0, 7 * 86400.0
GROUP = "generic:g-1"
MEMBERS = ["m1", "m2", "m3", "m4", "m5"]

# Same weekday and hour in earlier weeks (window [start, start + 2 h)): who posted in it.
#   1 week back: m1 → 1/5     2 weeks: m1 m2 → 2/5     3 weeks: m1 m2 m3, but the bot posted in that window,
#   so it is left out         4 weeks: m4 → 1/5        5 weeks: nobody → 0/5
#   baseline = (0.2 + 0.4 + 0.2 + 0.0) / 4 = 0.2
# After the post: m1 (+5 min), m2 (+1 h), m3 (+1 h 59 min) respond; m4 (+2 h 1 min) is too late; m6 joined
# after the post and does not count. response = 3/5 = 0.6, lift = 0.6 / 0.2 = 3.0
BEFORE = [(T - 6 * W, m) for m in MEMBERS] + [
    (T - W + 600, "m1"), (T - 2 * W + 1200, "m1"), (T - 2 * W + 1200, "m2"),
    (T - 3 * W + 1800, "m1"), (T - 3 * W + 1800, "m2"), (T - 3 * W + 1800, "m3"), (T - 4 * W + H, "m4")]
AFTER = [(T + 300, "m1"), (T + 1800, "m6"), (T + H, "m2"), (T + 2 * H - 60, "m3"), (T + 2 * H + 60, "m4")]


class Clock:
    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


async def _say(bot, clock, rows, prefix):
    for i, (at, member) in enumerate(sorted(rows)):
        clock.t = at
        await bot.post(message(f"{prefix}{i}", member, "聊两句", at, name=member.upper()))
    await bot.settle()


async def _chat(make_bot):
    clock = Clock(T - 6 * W - 60)
    bot = await make_bot(clock=clock, groups=[{"id": GROUP, "admins": ["generic:u-9"]}],
                         scheduler={"grace_minutes": 0})
    await _say(bot, clock, BEFORE, "b")
    await pushes.record(bot.runtime.repo, GROUP, "activity_reminder", T - 3 * W + H, "Asia/Shanghai")
    clock.t = T
    assert await bot.runtime.jobs.run(bot.config.groups[GROUP], "morning_report", T)
    await bot.settle()
    return bot, clock


def _row(data, kind):
    return next(p for p in data["pushes"] if p["kind"] == kind)


async def test_response_and_baseline_match_the_hand_computed_rates(make_bot):
    bot, clock = await _chat(make_bot)
    rt = bot.runtime
    await _say(bot, clock, [a for a in AFTER if a[0] < T + 1.5 * H], "a")
    live = _row(await insights.insights(rt.repo, rt.config, GROUP, clock()), "morning_report")
    assert live["response_rate"] == 0.4  # the window is still open: m1 and m2 so far
    await _say(bot, clock, [a for a in AFTER if a[0] >= T + 1.5 * H], "z")
    clock.t = T + 3 * H
    await rt.jobs.minutely()
    stored = [p for p in await rt.repo.pushes.posts(GROUP, T - 1) if p[1] == "morning_report"]
    assert [(p[3], p[4], p[5], p[6], p[7], p[8]) for p in stored] == [("08:00", 5, 3, 0.6, 0.2, True)]
    data = await insights.insights(rt.repo, rt.config, GROUP, clock())
    assert _row(data, "morning_report") == {"kind": "morning_report", "slot": "08:00", "posts": 1,
                                            "response_rate": 0.6, "baseline_rate": 0.2, "lift": 3.0}
    assert set(_row(data, "activity_reminder")) == {"kind", "slot", "posts", "response_rate", "baseline_rate",
                                                    "lift"}


async def test_the_weekly_digest_says_which_content_and_slot_worked(make_bot):
    bot, clock = await _chat(make_bot)
    await _say(bot, clock, AFTER, "a")
    clock.t = T + 3 * H
    await bot.runtime.jobs.minutely()
    bot.receiver.received.clear()
    assert await bot.runtime.jobs.run(bot.config.groups[GROUP], "weekly_digest", clock.t)
    await bot.settle()
    digest = "\n".join(r["text"] for r in bot.receiver.received)
    assert "早报 08:00 1 次，回应率 60%，平时 20%，是平时的 3.0 倍" in digest
    assert "效果最好：08:00 的早报" in digest


async def test_the_morning_command_says_which_slot_and_why(make_bot):
    bot, clock = await _chat(make_bot)
    await _say(bot, clock, AFTER, "a")
    clock.t = T + 20 * H  # the next day, 04:00 local
    await bot.post(message("ask", "u-9", "/早报", clock.t))
    await bot.settle()
    reply = next(r["text"] for r in bot.receiver.received if r.get("reply_to") == "ask")
    slot = await bot.runtime.repo.settings.setting_value(GROUP, "auto:push_time")
    assert f"今天自动定在 {slot}：" in reply and slot in push_slots.window_slots((7 * 60, 10 * 60))
    assert "还没有早报回应数据" not in reply  # chosen from the measured response, not the busiest hour


def test_thompson_sampling_favours_the_best_slot_and_still_explores():
    slots = ["07:00", "08:00", "09:00"]
    measured = {"07:00": (10, 500, 50), "08:00": (10, 500, 150), "09:00": (1, 50, 10)}
    picks = Counter(push_slots.choose(slots, measured, f"g:{day}").slot for day in range(400))
    assert picks["08:00"] > 300 and picks["09:00"] > 0 and picks["07:00"] < picks["09:00"]
    again = push_slots.choose(slots, measured, "g:7")
    assert again == push_slots.choose(slots, measured, "g:7")  # seeded: the same day picks the same slot
    best = next(push_slots.choose(slots, measured, f"g:{d}") for d in range(400)
                if push_slots.choose(slots, measured, f"g:{d}").slot == "08:00")
    assert best.reason == "best" and best.rate == 0.3


def test_window_slots_are_the_whole_hours_inside_it():
    assert push_slots.window_slots((7 * 60, 10 * 60)) == ["07:00", "08:00", "09:00", "10:00"]
    assert push_slots.window_slots((7 * 60 + 30, 9 * 60 + 30)) == ["08:00", "09:00"]
    assert push_slots.window_slots((23 * 60, 60)) == ["23:00", "00:00", "01:00"]
