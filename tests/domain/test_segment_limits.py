"""Segment queries are bounded (contract §7: 2,000 characters, 200 atoms; nesting too) and evaluated off the
event loop: an over-limit query is a 400 on the API and a Chinese reply in chat; a heavy one never stalls
/healthz."""

from __future__ import annotations

import asyncio
import threading
from urllib.parse import quote

import pytest

from bot.domain import segments
from tests.conftest import TOKEN, message

NOW = 1_800_000_000.0
GROUPS = [{"id": "generic:g-1", "admins": ["generic:u-9"]}]
URL = "/api/groups/generic%3Ag-1/segments?q="
ATOMS_201 = " | ".join(f"t{i}" for i in range(201))
ATOMS_200 = " | ".join([*(f"t{i}" for i in range(199)), "红酒"])
LONG = "a" * 2001
DEEP = "(" * 101 + "a" + ")" * 101
NOTS = "!" * 101 + "a"
TOO_MANY = f"查询有误（第 {ATOMS_201.index('t200') + 1} 个字符）：条件太多，最多 200 个。"


async def _bot(make_bot):
    bot = await make_bot(clock=lambda: NOW, groups=GROUPS)
    await bot.post(message("m1", "u-1", "红酒真好喝", NOW - 60))
    await bot.post(message("m2", "u-1", "又开了一瓶红酒", NOW - 30))
    await bot.settle()
    return bot


@pytest.mark.parametrize(("query", "fragment"), [(LONG, "position 2001: query longer than 2000 characters"),
                                                 (ATOMS_201, "more than 200 atoms"), (DEEP, "nested more than 100"),
                                                 (NOTS, "nested more than 100")])
async def test_over_limit_queries_are_a_400_naming_the_limit(make_bot, query, fragment):
    bot = await _bot(make_bot)
    status, body = await bot.api(URL + quote(query))
    assert status == 400 and fragment in body["error"]


async def test_queries_at_the_limits_are_answered(make_bot):
    bot = await _bot(make_bot)
    for query in (ATOMS_200, "(" * 99 + "红酒" + ")" * 99, "!!" * 49 + "红酒", "红酒" + " " * 1998):
        status, body = await bot.api(URL + quote(query))
        assert status == 200 and body == ["generic:u-1"], query[:20]


@pytest.mark.parametrize(("command", "reply"), [
    ("/segment " + ATOMS_201, TOO_MANY),
    ("/分群 save 大群 " + ATOMS_201, TOO_MANY),
    ("/segment " + LONG, "查询有误（第 2001 个字符）：查询太长，最多 2000 个字符。"),
    ("/segment " + NOTS, "查询有误（第 101 个字符）：括号或「!」嵌套太深，最多 100 层。"),
    ("/segment 红酒 摄影", "查询有误（第 4 个字符）：多余的「摄影」（条件之间用 & 或 | 连接）。"),
])
async def test_chat_errors_are_chinese_and_name_the_position(make_bot, command, reply):
    bot = await _bot(make_bot)
    await bot.post(message("c1", "u-9", command, NOW))
    await bot.settle()
    assert [r["text"] for r in bot.receiver.received if r.get("reply_to") == "c1"] == [reply]
    assert await bot.runtime.repo.profiles.saved_segments("generic:g-1") == {}


async def test_a_heavy_query_does_not_stall_healthz(make_bot, monkeypatch):
    """The evaluation is held open until /healthz has answered: only evaluation off the event loop lets
    /healthz through (on the loop, the segment request finishes first, after the hold times out)."""
    bot = await _bot(make_bot)
    evaluating, release = threading.Event(), threading.Event()
    real_select = segments.select

    def held_select(node, profiles):
        evaluating.set()
        release.wait(20)
        return real_select(node, profiles)

    monkeypatch.setattr(segments, "select", held_select)
    finished: list[str] = []

    async def query() -> tuple[int, object]:
        r = await bot.client.get(URL + quote(ATOMS_200), headers={"Authorization": f"Bearer {TOKEN}"})
        finished.append("segment")
        return r.status, await r.json()

    pending = asyncio.create_task(query())
    assert await asyncio.to_thread(evaluating.wait, 20)
    health = await bot.client.get("/healthz")
    finished.append("healthz")
    release.set()
    status, body = await pending
    assert finished == ["healthz", "segment"]
    assert health.status == 200 and status == 200 and body == ["generic:u-1"]
