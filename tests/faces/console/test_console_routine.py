"""The routine page: schedules, news, activities, check-in points and digest recipients edited in the console
take effect without a restart (the scheduler uses the new morning time), and every edit is audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import TOKEN
from tests.faces.console._community import ADMIN_A, ADMIN_B, A, Clock, login, sections, seed

# 03:00 in the groups' zone: the routine edits happen at a quiet hour.
START = datetime(2026, 11, 20, 3, 0, tzinfo=ZoneInfo("Asia/Shanghai")).timestamp()



@pytest.fixture
async def console(make_bot: Any) -> Any:
    clock = Clock(START)
    bot = await make_bot(clock=clock, **sections())
    await seed(bot.runtime, clock())
    return bot


def page(rest: str = "") -> str:
    return f"/console/groups/{quote(A, safe='')}/routine{rest}"


def mornings(bot: Any) -> int:
    return sum(1 for r in bot.receiver.received if "早报" in r.get("text", ""))


async def test_a_new_morning_time_is_what_the_scheduler_uses(console: Any) -> None:
    csrf = await login(console.client, ADMIN_A)
    await console.settle()
    before = mornings(console)
    r = await console.client.post(page(), data={"csrf": csrf, "action": "schedule", "job": "morning_report",
                                                "value": "03:20"})
    assert r.status == 200 and "已保存" in await r.text()
    html = await (await console.client.get(page())).text()
    assert "现在的时间：03:20" in html and "控制台或聊天中设置" in html
    jobs = console.runtime.jobs
    assert jobs.installed[(A, "morning_report")].spec == "03:20"
    console.clock.now = START + 10 * 60
    assert not await jobs.tick(A, "morning_report")  # not yet
    console.clock.now = START + 20 * 60 + 5
    assert await jobs.tick(A, "morning_report")
    await console.settle()
    assert mornings(console) == before + 1


async def test_a_bad_time_is_refused_in_chinese_and_nothing_changes(console: Any) -> None:
    csrf = await login(console.client, ADMIN_A)
    r = await console.client.post(page(), data={"csrf": csrf, "action": "schedule", "job": "morning_report",
                                                "value": "25:99"})
    html = await r.text()
    assert "时间格式不对" in html and "现在的时间：03:20" not in html


async def test_news_activities_checkin_and_recipients_are_kept_and_audited(console: Any) -> None:
    csrf = await login(console.client, ADMIN_A)
    for data in ({"action": "news_add", "text": "周六品鉴会报名开始"},
                 {"action": "activity_add", "weekday": "wed", "time": "20:00", "title": "红酒品鉴"},
                 {"action": "checkin", "points": "3", "weekly_bonus": "10"},
                 {"action": "digest", "recipients": f"{ADMIN_A} {ADMIN_B}"}):
        r = await console.client.post(page(), data={**data, "csrf": csrf})
        assert r.status == 200 and "已保存" in await r.text(), data
    status, d = await console.api(f"/api/console/groups/{quote(A, safe='')}/routine")
    assert status == 200
    assert [n["text"] for n in d["news"]] == ["周六品鉴会报名开始"]
    assert d["activities"][0]["title"] == "红酒品鉴" and d["activities"][0]["weekday"] == 2
    assert d["checkin"] == {"points": 3, "weekly_bonus": 10}
    assert d["digest_recipients"] == [ADMIN_A, ADMIN_B]
    assert "周六品鉴会报名开始" in d["morning_preview"]
    html = await (await console.client.get(page())).text()
    assert "周三 20:00 · 红酒品鉴" in html
    r = await console.client.get("/api/console/groups/x/routine")
    assert r.status == 401 and TOKEN
