"""Broadcasts through the real app: variants reach the right members privately, 退订 / opt-out / the weekly
cap keep members out, members who cannot be messaged privately are @-mentioned in one group post."""

from __future__ import annotations

import pytest

from tests.conftest import TOKEN, message


@pytest.fixture
def bot_storage_url(every_backend: str) -> str:
    """SQLite and PostgreSQL alike."""
    return every_backend

NOW = 1_800_000_000.0
GROUPS = [{"id": "generic:g-1", "admins": ["generic:u-9"]}, {"id": "generic:g-2"}]
TALK = {"a1": "红酒真不错", "a2": "想买红酒", "b1": "新相机摄影", "d1": "红酒和摄影都爱", "c1": "大家早上好"}


class Clock:
    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


async def _bot(make_bot, **sections):
    clock = Clock(NOW)
    bot = await make_bot(clock=clock, groups=GROUPS, **sections)
    n = 0
    for member, text in TALK.items():
        for _ in range(2):
            n += 1
            await bot.post(message(f"m{n}", member, text, NOW - 600, name=member.upper()))
    await bot.post(message("m-admin", "u-9", "我是管理员", NOW - 600, name="管理员"))
    await bot.settle()
    return bot, clock


async def _broadcast(bot, clock, text: str) -> list[dict]:
    """Preview and confirm ``text``; what the platform received after the confirmation."""
    await bot.post(message(f"d-{clock.t}", "u-9", f"/群发 {text}", clock.t))
    await bot.settle()
    bot.receiver.received.clear()
    await bot.post(message(f"c-{clock.t}", "u-9", "/群发 确认", clock.t + 10))
    await bot.settle()
    return list(bot.receiver.received)


def _private(received: list[dict]) -> dict[str, str]:
    return {r["user"]: r["text"] for r in received if "user" in r and r["user"] != "u-9"}


VARIANTS = "【红酒】红酒满减券今晚截止\n【摄影】周末摄影课\n本周新品上架"


async def test_each_member_gets_the_first_matching_variant_privately(make_bot):
    bot, clock = await _bot(make_bot)
    got = _private(await _broadcast(bot, clock, VARIANTS))
    assert got == {"a1": "红酒满减券今晚截止", "a2": "红酒满减券今晚截止", "d1": "红酒满减券今晚截止",
                   "b1": "周末摄影课", "c1": "本周新品上架"}


async def test_the_preview_goes_to_the_admin_privately_and_sends_nothing(make_bot):
    bot, clock = await _bot(make_bot)
    bot.receiver.received.clear()
    await bot.post(message("d-1", "u-9", f"/群发 {VARIANTS}", clock.t))
    await bot.settle()
    preview = [r["text"] for r in bot.receiver.received if r.get("user") == "u-9"]
    assert len(preview) == 1 and "「红酒」：私信 3 人" in preview[0] and "/群发 确认" in preview[0]
    assert _private(bot.receiver.received) == {}
    assert not [r for r in bot.receiver.received if "group" in r and "群发预览" in r["text"]]


async def test_unsubscribed_and_opted_out_members_are_never_reached(make_bot):
    bot, clock = await _bot(make_bot)
    await bot.post(message("u1", "c1", "退订", clock.t))
    await bot.post(message("u2", "b1", "/optout", clock.t))
    await bot.settle()
    reply = next(r["text"] for r in bot.receiver.received if r.get("reply_to") == "u1")
    assert "已退订" in reply
    got = _private(await _broadcast(bot, clock, VARIANTS))
    assert set(got) == {"a1", "a2", "d1"}
    confirmation = next(r["text"] for r in bot.receiver.received
                        if r.get("user") == "u-9" and r["text"].startswith("群发已发出"))
    assert "1 人已退订" in confirmation
    clock.t += 60
    await bot.post(message("u3", "c1", "订阅", clock.t))
    await bot.settle()
    assert "c1" in _private(await _broadcast(bot, clock, "又一条消息"))


async def test_the_weekly_cap_counts_every_broadcast_a_member_got(make_bot):
    bot, clock = await _bot(make_bot, broadcasts={"max_per_week": 1})
    first = _private(await _broadcast(bot, clock, "【红酒】红酒券"))
    assert set(first) == {"a1", "a2", "d1"}
    clock.t += 3600
    second = _private(await _broadcast(bot, clock, "所有人都看看"))
    assert set(second) == {"b1", "c1"}
    clock.t += 7 * 86400 + 60
    assert set(_private(await _broadcast(bot, clock, "一周以后"))) == {"a1", "a2", "b1", "c1", "d1"}


async def test_members_who_cannot_be_messaged_privately_are_mentioned_in_one_group_post(make_bot):
    bot, clock = await _bot(make_bot)
    # as on Telegram, where only members who started the bot can be messaged privately
    bot.runtime.context.dm_allowed = lambda user: user.user_id in ("u-9", "a1")
    received = await _broadcast(bot, clock, VARIANTS)
    assert _private(received) == {"a1": "红酒满减券今晚截止"}
    posts = [r for r in received if r.get("group") == "g-1" and r.get("mentions")]
    by_text = {r["text"].splitlines()[0]: sorted(r["mentions"]) for r in posts}
    assert by_text == {"红酒满减券今晚截止": ["a2", "d1"], "周末摄影课": ["b1"], "本周新品上架": ["c1"]}


async def test_a_broadcast_at_a_time_waits_for_it(make_bot):
    bot, clock = await _bot(make_bot)  # NOW is 2027-01-15 16:00 in Shanghai
    received = await _broadcast(bot, clock, "20:30\n今晚八点半直播")
    assert _private(received) == {}
    assert [r["text"] for r in received] == ["群发已安排，将于 2027-01-15 20:30 发出。"]  # to the admin alone
    clock.t = NOW + 4.5 * 3600 + 30
    await bot.runtime.jobs.minutely()
    await bot.settle()
    assert set(_private(bot.receiver.received)) == set(TALK)
    bot.receiver.received.clear()
    await bot.runtime.jobs.minutely()
    await bot.settle()
    assert _private(bot.receiver.received) == {}


async def _api(bot, body) -> tuple[int, dict]:
    r = await bot.client.post("/api/broadcasts", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    return r.status, await r.json()


async def test_the_api_previews_then_queues_with_confirm(make_bot):
    bot, _clock = await _bot(make_bot)
    body = {"groups": ["generic:g-1"], "variants": [{"segment": "摄影", "text": "摄影课"}], "text": "大家好"}
    status, shown = await _api(bot, body)
    assert status == 200 and shown["confirmed"] is False
    assert [(v["segment"], v["private"]) for v in shown["preview"][0]["variants"]] == [("摄影", 2), (None, 4)]
    await bot.runtime.jobs.minutely()
    await bot.settle()
    assert _private(bot.receiver.received) == {}
    status, queued = await _api(bot, {**body, "confirm": True})
    assert status == 201 and queued["queued"][0]["group"] == "generic:g-1"
    await bot.runtime.jobs.minutely()
    await bot.settle()
    assert _private(bot.receiver.received) == {"b1": "摄影课", "d1": "摄影课", "a1": "大家好", "a2": "大家好",
                                               "c1": "大家好"}


async def test_the_api_refuses_bad_requests_clearly(make_bot):
    bot, _clock = await _bot(make_bot)
    r = await bot.client.post("/api/broadcasts", json={"text": "x"})
    assert r.status == 401
    for body, status in [({"groups": ["generic:g-1"]}, 400), ({"groups": ["generic:nope"], "text": "x"}, 404),
                         ({"groups": ["generic:g-1"], "text": "x", "at": "tomorrow"}, 400),
                         ({"groups": ["generic:g-1"], "segment": "(", "text": "x"}, 400),
                         ({"groups": ["generic:g-1"], "text": "x", "confirm": "yes"}, 400), ([1, 2], 400)]:
        got, answer = await _api(bot, body)
        assert got == status and answer["error"], body
    r = await bot.client.post("/api/broadcasts", data=b"{not json", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status == 400


async def test_a_member_of_several_chosen_groups_is_reached_once(make_bot):
    bot, clock = await _bot(make_bot)
    await bot.post(message("g2-1", "a1", "另一个群也在", clock.t - 300, group="g-2", name="A1"))
    await bot.post(message("g2-2", "e1", "我只在二群", clock.t - 300, group="g-2", name="E1"))
    await bot.settle()
    bot.receiver.received.clear()
    status, _ = await _api(bot, {"groups": ["generic:g-1", "generic:g-2"], "text": "双群活动", "confirm": True})
    assert status == 201
    await bot.runtime.jobs.minutely()
    await bot.settle()
    private = [r["user"] for r in bot.receiver.received if "user" in r]
    assert sorted(private) == sorted([*TALK, "u-9", "e1"])


async def test_the_commands_work_where_the_bot_sees_only_commands(make_bot):
    bot, clock = await _bot(make_bot)
    await bot.post(message("x1", "c1", "/退订", clock.t))
    await bot.settle()
    assert set(_private(await _broadcast(bot, clock, "看这里"))) == set(TALK) - {"c1"}
    clock.t += 60
    await bot.post(message("x2", "c1", "/subscribe", clock.t))
    await bot.settle()
    assert "c1" in _private(await _broadcast(bot, clock, "再看这里"))


async def test_an_impossible_or_past_time_is_refused_in_chinese(make_bot):
    bot, clock = await _bot(make_bot)
    for i, first in enumerate(("25:00", "2020-01-01 08:00")):
        bot.receiver.received.clear()
        await bot.post(message(f"t{i}", "u-9", f"/群发 {first}\n文案", clock.t))
        await bot.settle()
        [answer] = [r["text"] for r in bot.receiver.received]
        assert answer.startswith("群发没有发出：") and first in answer
