"""The mass-mention cooldown is per member: whoever a mass mention @-mentioned is not @-mentioned again by any
mass mention in that group within notify_cooldown_minutes, whatever the segment is called or how it is
written."""

from __future__ import annotations

from tests.conftest import message

NOW = 1_800_000_000.0
GROUPS = [{"id": "generic:g-1", "admins": ["generic:u-9"]}]
WINE = ["a1", "a2", "a3"]
PHOTO = ["b1", "b2"]


class Clock:
    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


async def _bot(make_bot):
    clock = Clock(NOW)
    bot = await make_bot(clock=clock, groups=GROUPS, insights={"notify_cooldown_minutes": 60})
    n = 0
    for members, text in ((WINE, "红酒"), (PHOTO, "摄影")):
        for m in members:
            for _ in range(2):
                n += 1
                await bot.post(message(f"m{n}", m, f"聊聊{text}", NOW - 600, name=m.upper()))
    for i, (name, query) in enumerate((("酒友", "红酒"), ("品酒会", "红酒"), ("同好", "红酒 | 摄影"))):
        await bot.post(message(f"s{i}", "u-9", f"/segment save {name} {query}", NOW))
        await bot.settle()
    return bot, clock


async def _notify(bot, clock, segment: str, text: str) -> tuple[list[str], str]:
    """Preview then confirm; the members @-mentioned and the confirmation reply."""
    bot.receiver.received.clear()
    eid = f"{segment}-{clock.t}"
    await bot.post(message(f"n-{eid}", "u-9", f"/segment {segment} notify {text}", clock.t))
    await bot.settle()
    await bot.post(message(f"c-{eid}", "u-9", "/segment confirm", clock.t + 30))
    await bot.settle()
    mentioned = sorted(m for r in bot.receiver.received for m in r.get("mentions", []))
    reply = next(r["text"] for r in bot.receiver.received if r.get("reply_to") == f"c-{eid}")
    return mentioned, reply


async def test_the_same_query_under_another_name_mentions_nobody_again(make_bot):
    bot, clock = await _bot(make_bot)
    mentioned, reply = await _notify(bot, clock, "酒友", "周五品酒会")
    assert mentioned == WINE and "3 人" in reply
    clock.t += 120
    mentioned, reply = await _notify(bot, clock, "品酒会", "再提醒一次")
    assert mentioned == [] and "最近都已被群发 @ 过" in reply and "59 分钟后" in reply


async def test_an_overlapping_segment_mentions_only_those_not_cooling_down(make_bot):
    bot, clock = await _bot(make_bot)
    await _notify(bot, clock, "酒友", "周五品酒会")
    clock.t += 120
    mentioned, reply = await _notify(bot, clock, "同好", "周末活动")
    assert mentioned == PHOTO and "另有 3 人" in reply


async def test_after_the_cooldown_members_can_be_mentioned_again(make_bot):
    bot, clock = await _bot(make_bot)
    await _notify(bot, clock, "酒友", "周五品酒会")
    clock.t += 61 * 60
    mentioned, _reply = await _notify(bot, clock, "品酒会", "下周再聚")
    assert mentioned == WINE
