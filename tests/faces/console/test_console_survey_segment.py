"""The surveys page sends a survey to a segment: privately to its current members, audited; a bad query
sends nothing and says so."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from tests.faces.console._community import ADMIN_A, SURVEY, A, Clock, login, sections, seed
from tests.faces.console.test_console_surveys import START

PAGE = f"/console/groups/{quote(A, safe='')}/surveys"


@pytest.fixture
async def console(make_bot: Any) -> Any:
    clock = Clock(START)
    bot = await make_bot(clock=clock, **sections(surveys=[SURVEY]))
    await seed(bot.runtime, clock())
    await bot.settle()
    return bot


def asked_privately(bot: Any) -> set[str]:
    return {r["user"] for r in bot.receiver.received if "user" in r and "口味调查" in r["text"]}


async def test_send_to_a_segment_asks_only_its_current_members_privately(console: Any) -> None:
    csrf = await login(console.client, ADMIN_A)
    r = await console.client.post(PAGE, data={"csrf": csrf, "survey": "taste", "action": "send", "segment": "红酒"})
    assert r.status == 200 and "问卷已私信分群成员" in await r.text()
    await console.settle()
    assert asked_privately(console) == {"u-1", "u-2", "u-5", "u-6"}  # u-3 and u-4 left; u-8 never spoke
    assert not any(r.get("group") == "g-a" and "口味调查" in r["text"] for r in console.receiver.received)


async def test_a_bad_segment_sends_nothing(console: Any) -> None:
    csrf = await login(console.client, ADMIN_A)
    r = await console.client.post(PAGE, data={"csrf": csrf, "survey": "taste", "action": "send", "segment": "红酒 &"})
    assert "分群查询有误" in await r.text()
    await console.settle()
    assert asked_privately(console) == set()
