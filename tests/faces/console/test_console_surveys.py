"""The surveys page: definitions, sending now, sending once at a time (posted by the scheduler's minute job),
results with a chart per question and the completion rate."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import message
from tests.faces.console._community import ADMIN_A, SURVEY, A, Clock, login, sections, seed

TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 20, 3, 0, tzinfo=TZ).timestamp()



@pytest.fixture
async def console(make_bot: Any) -> Any:
    clock = Clock(START)
    bot = await make_bot(clock=clock, **sections(surveys=[SURVEY]))
    await seed(bot.runtime, clock())
    await bot.settle()
    return bot


PAGE = f"/console/groups/{quote(A, safe='')}/surveys"


def posted(bot: Any) -> int:
    return sum(1 for r in bot.receiver.received if "口味调查" in r.get("text", ""))


async def test_send_now_and_results_with_completion(console: Any) -> None:
    csrf = await login(console.client, ADMIN_A)
    html = await (await console.client.get(PAGE)).text()
    assert "口味调查" in html and "你喜欢哪种酒？" in html and "完成率 0%" in html
    r = await console.client.post(PAGE, data={"csrf": csrf, "survey": "taste", "action": "send"})
    assert r.status == 200 and "问卷已发到群里" in await r.text()
    await console.settle()
    assert posted(console) == 1
    await console.post(message("ans-1", "u-1", "/answer taste 1=1 2=上海", console.clock(), group="g-a"))
    await console.settle()
    html = await (await console.client.get(PAGE)).text()
    assert "完成率" in html and "（1 / " in html and "chart-hbar" in html and "红葡萄酒: 1" in html
    status, d = await console.api(f"/api/console/groups/{quote(A, safe='')}/surveys")
    assert status == 200 and d[0]["responders"] == 1 and d[0]["questions"][0]["tally"][0]["count"] == 1


async def test_a_survey_sent_at_a_time_goes_out_once_then(console: Any) -> None:
    csrf = await login(console.client, ADMIN_A)
    r = await console.client.post(PAGE, data={"csrf": csrf, "survey": "taste", "action": "schedule",
                                              "at": "2026-11-20T03:30"})
    assert "已定时" in await r.text() and "将于 11月20日 03:30 发送" in await (await console.client.get(PAGE)).text()
    jobs = console.runtime.jobs
    await jobs.minutely()
    await console.settle()
    assert posted(console) == 0
    console.clock.now = START + 31 * 60
    await jobs.minutely()
    await jobs.minutely()
    await console.settle()
    assert posted(console) == 1
    r = await console.client.post(PAGE, data={"csrf": csrf, "survey": "taste", "action": "schedule",
                                              "at": "2026-11-19T03:30"})
    assert "这个时间已经过去了" in await r.text()


async def test_a_repeating_schedule_set_in_the_console_posts_every_week(console: Any) -> None:
    csrf = await login(console.client, ADMIN_A)
    r = await console.client.post(PAGE, data={"csrf": csrf, "survey": "taste", "action": "repeat",
                                              "value": "周五 03:20"})
    assert r.status == 200 and "已保存定期发送的时间" in await r.text()
    html = await (await console.client.get(PAGE)).text()
    assert "现在：周五 03:20（控制台或聊天中设置）" in html
    jobs = console.runtime.jobs
    assert jobs.installed[(A, "survey:taste")].spec == "周五 03:20"
    before = posted(console)
    console.clock.now = START + 10 * 60
    assert not await jobs.tick(A, "survey:taste")  # not yet
    for week in range(2):  # 03:20 this Friday and the next
        console.clock.now = START + week * 7 * 86400 + 20 * 60 + 5
        assert await jobs.tick(A, "survey:taste")
        assert not await jobs.tick(A, "survey:taste")  # once per fire time
        await console.settle()
        assert posted(console) == before + week + 1
    csrf = await login(console.client, ADMIN_A)  # a week later: the session of the first login has ended
    r = await console.client.post(PAGE, data={"csrf": csrf, "survey": "taste", "action": "repeat", "value": "25:99"})
    assert "时间格式不对" in await r.text()
    await console.client.post(PAGE, data={"csrf": csrf, "survey": "taste", "action": "repeat", "value": "off"})
    assert "现在：已关闭" in await (await console.client.get(PAGE)).text()
    assert jobs.installed[(A, "survey:taste")].spec == ""  # off: no timer
