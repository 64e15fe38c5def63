"""Surveys answered privately through the generic webhook (contract §9 private messages), end to end:
signed webhook → inbox → handlers → outbox → the fake outbound receiver."""

from __future__ import annotations

import time
from typing import Any

from tests.conftest import message

NOW = float(int(time.time()))
ONBOARDING = {"id": "onboarding", "title": "新人问卷", "reward_points": 5, "questions": [
    {"id": "taste", "text": "你更喜欢？", "kind": "single", "options": ["红葡萄酒", "白葡萄酒"], "attribute": "偏好"},
    {"id": "city", "text": "你在哪个城市？", "kind": "text", "attribute": "城市"}]}
OTHER = {"id": "budget", "title": "预算", "questions": [
    {"id": "b", "text": "预算？", "kind": "single", "options": ["低", "高"], "attribute": "预算"}]}


def fixed() -> float:
    return NOW


def private(eid: str, user: str, text: str, **extra: Any) -> dict[str, Any]:
    return {"id": eid, "type": "message", "time": NOW, "private": True, "user": {"id": user}, "text": text, **extra}


def joined(eid: str, user: str, name: str, group: str = "g-1") -> dict[str, Any]:
    return {"id": eid, "type": "member_joined", "time": NOW, "group": {"id": group, "name": "测试群"},
            "user": {"id": user, "name": name}}


async def build(make_bot: Any) -> Any:
    return await make_bot(clock=fixed, surveys=[ONBOARDING, OTHER], defaults={"onboarding_survey": "onboarding"})


def to_user(received: list[dict[str, Any]], user: str) -> list[str]:
    return [r["text"] for r in received if r.get("user") == user]


async def test_onboarding_sent_privately_is_answered_privately_for_its_group(make_bot):
    bot = await build(make_bot)
    assert (await bot.post(joined("j-1", "u-1", "张三"))).status == 200
    await bot.settle()
    [survey] = to_user(bot.receiver.received, "u-1")
    assert "新人问卷" in survey and "/答题 onboarding" in survey
    r = await bot.post(private("p-1", "u-1", "/answer onboarding 1=2 2=杭州"))
    assert r.status == 200 and await r.json() == {"ok": True}
    await bot.settle()
    status, p = await bot.profile("generic:u-1")
    assert status == 200
    assert p["attributes"]["偏好"]["value"] == "白葡萄酒"
    assert p["attributes"]["城市"] == {**p["attributes"]["城市"], "value": "杭州", "source": "survey:onboarding"}
    assert p["stats"]["messages"] == 0  # the private message is no group chat
    reply = to_user(bot.receiver.received, "u-1")[-1]
    assert "已记录 2 题" in reply and "奖励 5 积分" in reply
    assert not [r for r in bot.receiver.received if r.get("group") == "u-1"]  # answered privately, never "posted"
    status, _ = await bot.api("/api/groups/generic:u-1/members")
    assert status == 404  # the private chat never became a group


async def test_private_answers_count_for_the_group_that_sent_the_survey(make_bot):
    now = [NOW]
    bot = await make_bot(clock=lambda: now[0], surveys=[ONBOARDING, OTHER],
                         defaults={"onboarding_survey": "onboarding"})
    await bot.post(joined("j-1", "u-1", "张三", group="g-1"))
    await bot.settle()
    now[0] += 60
    await bot.post(joined("j-2", "u-1", "张三", group="g-2"))  # the later sending decides
    await bot.settle()
    await bot.post(private("p-1", "u-1", "/答题 onboarding 1=1"))
    await bot.settle()
    _, in_g2 = await bot.profile("generic:u-1", group="generic:g-2")
    _, in_g1 = await bot.profile("generic:u-1", group="generic:g-1")
    assert in_g2["attributes"]["偏好"]["value"] == "红葡萄酒"
    assert "偏好" not in in_g1.get("attributes", {})


async def test_a_survey_never_sent_to_the_member_is_not_guessed(make_bot):
    bot = await build(make_bot)
    await bot.post(message("m-1", "u-2", "大家好", NOW))
    await bot.settle()
    await bot.post(private("p-1", "u-2", "/answer budget 1=2"))
    await bot.settle()
    [reply] = to_user(bot.receiver.received, "u-2")
    assert "还没有发给过你" in reply
    _, p = await bot.profile("generic:u-2")
    assert "预算" not in p.get("attributes", {})


async def test_group_answers_still_work_and_private_chatter_is_not_profiled(make_bot):
    bot = await build(make_bot)
    await bot.post(message("m-0", "u-3", "大家好", NOW))
    await bot.post(message("m-1", "u-3", "/answer budget 1=1", NOW))
    await bot.post(private("p-1", "u-3", "我私下也喜欢红酒"))
    await bot.settle()
    _, p = await bot.profile("generic:u-3")
    assert p["attributes"]["预算"]["value"] == "低"
    assert p["stats"]["messages"] == 1 and not [t for t in p["tags"] if t["name"] == "红酒"]


async def test_malformed_private_messages_are_400(make_bot):
    bot = await build(make_bot)
    cases = [private("p-1", "u-1", "hi", group={"id": "g-1"}), {**private("p-2", "u-1", "hi"), "private": "yes"},
             {**private("p-3", "u-1", "hi"), "type": "member_joined"}, {**private("p-4", "u-1", "hi"), "user": {}},
             {k: v for k, v in private("p-5", "u-1", "hi").items() if k != "text"}]
    for body in cases:
        r = await bot.post(body)
        assert r.status == 400 and "error" in await r.json()
