"""The profile JSON (contract §5) and the CSV export stay byte-for-byte what they were: a rich profile —
keyword tags with evidence and text, activity, survey, manual and channel tags, attributes, tier, lifecycle,
hours — served by the API and exported, compared with golden output recorded before the typed profile."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.core.labels import label
from bot.core.render import when
from tests.conftest import TOKEN, message


@pytest.fixture
def bot_storage_url(every_backend: str) -> str:
    """Every test here runs on SQLite and on PostgreSQL."""
    return every_backend

GOLDEN = Path(__file__).parent.parent / "fixtures" / "profile" / "golden.json"
SH = ZoneInfo("Asia/Shanghai")
SURVEY = {"id": "onboarding", "title": "新人问卷", "questions": [
    {"id": "age", "text": "年龄段？", "kind": "single", "options": ["18-29", "30-39", "40+"],
     "attribute": "age_range"},
    {"id": "likes", "text": "喜欢什么？", "kind": "multi", "options": ["红酒", "威士忌", "摄影"],
     "tag_map": {"2": ["威士忌"]}},
]}


def ts(s: str) -> float:
    return datetime.fromisoformat(s).replace(tzinfo=SH).timestamp()


class Clock:
    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


async def _rich_group(make_bot: Any) -> Any:
    clock = Clock(ts("2026-11-10 09:00"))
    bot = await make_bot(clock=clock, storage={"store_text": True}, surveys=[SURVEY],
                         groups=[{"id": "generic:g-1", "admins": ["generic:u-9"]}],
                         activity_tags={"min_messages": 3, "asker_min_questions": 2, "sharer_min_links": 1,
                                        "checkin_min_streak": 2})
    await bot.post({"id": "j1", "type": "member_joined", "time": clock.t, "group": {"id": "g-1", "name": "酒友"},
                    "user": {"id": "u-1", "name": "张三"}, "invited_by": "u-2"})
    await bot.post(message("m0", "u-2", "大家好", clock.t + 5, name="李四"))
    for day in range(8):
        t = ts("2026-11-12 23:10") + day * 86400
        clock.t = t
        await bot.post(message(f"w{day}", "u-1", f"今晚开了一瓶赤霞珠，第{day}瓶 ＷＩＮＥ", t, name="张三"))
        if day % 3 == 0:
            await bot.post(message(f"q{day}", "u-1", "请问哪家红酒好？", t + 60, name="张三"))
            await bot.post(message(f"r{day}", "u-2", "我推荐楼下那家", t + 120, name="李四", reply_to=f"q{day}"))
        if day % 4 == 1:
            await bot.post(message(f"p{day}", "u-1", "新相机拍的 https://example.com/p.jpg", t + 180, name="张三"))
        await bot.settle()
    for day in range(3):
        clock.t = ts("2026-11-23 08:30") + day * 86400
        await bot.post(message(f"c{day}", "u-1", "/签到", clock.t, name="张三 (新名)"))
        await bot.settle()
    clock.t = ts("2026-11-25 12:00")
    await bot.post(message("a1", "u-9", "/tag @u-1 +品鉴师", clock.t, mentions=["u-1"]))
    await bot.post(message("a2", "u-9", "/attr u-1 城市=上海", clock.t + 1))
    await bot.post(message("s1", "u-1", "/answer onboarding 1=2 2=1,2", clock.t + 2, name="张三 (新名)"))
    await bot.settle()
    clock.t = ts("2026-11-26 12:00")
    return bot


async def _raw(bot: Any, path: str) -> str:
    r = await bot.client.get(path, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status == 200, await r.text()
    return str(await r.text())


async def _outputs(bot: Any) -> dict[str, str]:
    from bot.domain import profiles
    from bot.faces.export import to_csv, to_json

    base = "/api/groups/generic:g-1/members"
    found = await profiles.load_group(bot.runtime.repo, bot.config, "generic:g-1", bot.clock())
    return {
        "member": await _raw(bot, f"{base}/generic:u-1"),
        "member_at": await _raw(bot, f"{base}/generic:u-1?at=2026-11-20T00:00:00Z"),
        "members": await _raw(bot, base),
        "members_tag": await _raw(bot, f"{base}?tag=红酒&limit=5"),
        "export_csv": to_csv(found),
        "export_json": to_json(found),
    }


async def test_profile_json_and_export_match_the_recorded_output(make_bot):
    bot = await _rich_group(make_bot)
    got = await _outputs(bot)
    assert got == json.loads(GOLDEN.read_text(encoding="utf-8"))
    member = json.loads(got["member"])
    assert {t["source"] for t in member["tags"]} >= {"keyword", "activity", "manual", "survey:onboarding"}
    assert member["attributes"] and member["tags"][0]["evidence"][0]["text"]


async def test_chat_replies_show_a_profiles_times_and_texts_as_the_json_does(make_bot):
    from bot.core.render import Renderer
    from bot.domain import profiles

    bot = await _rich_group(make_bot)
    [p] = await profiles.load(bot.runtime.repo, bot.config, "generic:g-1", ["generic:u-1"], bot.clock())
    shown = json.loads(json.loads(GOLDEN.read_text(encoding="utf-8"))["member"])
    render = Renderer()
    tz = "Asia/Shanghai"
    why = render("why", "zh-CN", p=p, tag="红酒", t=p.tag("红酒"), carried=True, evidence={}, at=None,
                 half_life=30.0, min_score=1.0, tz=tz)
    # The JSON keeps ISO-8601 UTC; chat shows the same instant in the group's local time, with the same text.
    for e in shown["tags"][0]["evidence"]:
        assert f"· {when(e['at'], tz)} 关键词「{e['keyword']}」：{e['text']}" in why
        assert e["message"] not in why  # internal message ids stay out of chat
    lines = {"zh-CN": "· {k}：{value}（{source}，{at}）", "en": "· {k}: {value} ({source}, {at})"}
    for locale, line in lines.items():
        attrs = render("attrs", locale, name=p.name, attributes=p.attributes, tz=tz)
        for k, a in shown["attributes"].items():
            source = label("source", a["source"], locale)
            assert line.format(k=k, value=a["value"], source=source, at=when(a["at"], tz, locale)) in attrs
