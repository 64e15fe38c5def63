"""The segments and personas page reads the group's kept insights run: the same associations, best hours and
persona cards as computed from scratch, kept right through new messages, opt-out, erasure, the hour turning,
a changed rule and text retention."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import text

from bot.domain import insight_runs, insights, personas, refresh, segments
from tests.faces.console._community import ADMIN_A, A, Clock, login, sections, seed

SHOWN = ("associations", "best_hours", "personas", "segments")


async def fresh(bot: Any) -> dict[str, Any]:
    """What the page showed before runs were kept: everything computed at the request's time."""
    repo, cfg, now = bot.runtime.repo, bot.config, bot.clock()
    found = await insights.insights(repo, cfg, A, now)
    cards = await personas.personas(repo, cfg, A, now, "zh-CN")
    counts = []
    for name, query in (await repo.profiles.saved_segments(A)).items():
        weekly = []
        for k in range(4, -1, -1):
            try:
                weekly.append(len(await insights.segment(repo, cfg, A, query, now - k * 7 * 86400.0)))
            except segments.QueryError:
                break
        counts.append({"name": name, "query": query, "members": weekly[-1] if weekly else None, "weekly": weekly})
    return json.loads(json.dumps({"associations": found["associations"], "best_hours": found["best_hours"],
                                  "personas": cards, "segments": counts}, ensure_ascii=False))


async def shown(bot: Any) -> dict[str, Any]:
    status, d = await bot.api(f"/api/console/groups/{quote(A, safe='')}/insights")
    assert status == 200
    return {k: d[k] for k in SHOWN}


async def save(bot: Any, name: str, query: str) -> None:
    await bot.runtime.repo.profiles.save_segment(A, name, query, ADMIN_A, bot.clock())


async def kept(bot: Any) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in await bot.runtime.repo.db.read(lambda c: c.execute(text(
        "SELECT group_id, text_at, body FROM insight_runs")).all())]


def no_run(*_a: Any, **_k: Any) -> Any:
    raise AssertionError("the kept run should have been read")


@pytest.fixture
async def bot(make_bot: Any) -> Any:
    clock = Clock()
    b = await make_bot(clock=clock, **sections(insights={"min_cell": 2, "persona_min_messages": 1, "min_support": 2},
                                               storage={"store_text": True, "text_retention_days": 30}))
    await seed(b.runtime, clock.now)
    return b


async def say(bot: Any, user: int, words: str, n: int = 1) -> None:
    for i in range(n):
        await bot.post({"id": f"new-{user}-{i}-{bot.clock()}", "type": "message", "time": int(bot.clock()),
                        "group": {"id": A.partition(":")[2]}, "user": {"id": f"u-{user}", "name": f"新人{user}"},
                        "text": words})
    await bot.settle()


async def test_the_page_shows_the_computed_run_and_reads_it_while_nothing_changes(bot: Any,
                                                                                   monkeypatch: Any) -> None:
    await save(bot, "酒友", "赤霞珠 | 红酒")
    await save(bot, "沉睡", "lifecycle=dormant")
    first = await shown(bot)
    assert first["personas"] and first["associations"] and first["best_hours"]
    assert len(first["segments"]) == 2 and all(len(s["weekly"]) == 5 for s in first["segments"])
    assert first == await fresh(bot)
    [(group, text_at, body)] = await kept(bot)
    assert group == A and json.loads(body)["personas"] == first["personas"]
    assert text_at < bot.clock() and "赤霞珠" in body  # it quotes members: their text's retention counts
    monkeypatch.setattr(personas, "run", no_run)
    monkeypatch.setattr(insights, "group_profiles", no_run)
    bot.clock.now += 600  # the same hour
    assert await shown(bot) == first
    await save(bot, "新来的", "lifecycle=new")  # counted once, into the kept run
    again = await shown(bot)
    by_name = {s["name"]: s for s in again["segments"]}
    assert again["personas"] == first["personas"] and all(by_name[s["name"]] == s for s in first["segments"])
    assert by_name["新来的"]["weekly"] == await insight_runs.weekly(bot.runtime.repo, bot.config, A, "lifecycle=new",
                                                                  bot.clock())
    monkeypatch.setattr(insights, "segment", no_run)
    monkeypatch.setattr(insights, "group_profiles", no_run)
    assert await shown(bot) == again
    await login(bot.client, ADMIN_A)
    html = await (await bot.client.get(f"/console/groups/{quote(A, safe='')}/insights")).text()
    assert all(f"<h3>{p['name']}</h3>" in html for p in first["personas"])


async def test_new_messages_optout_and_erasure_give_a_new_run(bot: Any) -> None:
    await save(bot, "酒友", "红酒")
    before = await shown(bot)
    for user in (31, 32, 33):
        await say(bot, user, "昨晚开了一瓶赤霞珠", 3)
    assert await shown(bot) == before  # the last run at once; it is renewed meanwhile
    await refresh.settled()
    after = await shown(bot)
    assert after != before and after == await fresh(bot)
    assert after["segments"][0]["members"] == before["segments"][0]["members"] + 3
    assert sum(p["size"] for p in after["personas"]) == sum(p["size"] for p in before["personas"]) + 3
    await bot.runtime.repo.privacy.set_opt_out(A, "generic:u-31", True)
    assert await kept(bot) == []  # the run may have quoted them
    opted = await shown(bot)
    assert opted == await fresh(bot) and sum(p["size"] for p in opted["personas"]) == \
        sum(p["size"] for p in after["personas"]) - 1
    await bot.runtime.repo.privacy.forget_member(A, "generic:u-32", ADMIN_A)
    assert await kept(bot) == []
    erased = await shown(bot)
    assert erased == await fresh(bot) and "新人32" not in json.dumps(erased, ensure_ascii=False)
    assert sum(p["size"] for p in erased["personas"]) == sum(p["size"] for p in opted["personas"]) - 1


async def test_the_hour_a_rule_change_and_retention(bot: Any) -> None:
    first = await shown(bot)
    stamp = await insight_runs.stamp(bot.runtime.repo, bot.config, A, bot.clock())
    bot.clock.now += 3600
    assert await insight_runs.stamp(bot.runtime.repo, bot.config, A, bot.clock()) != stamp
    await shown(bot)  # the last run, renewed meanwhile
    await refresh.settled()
    assert await shown(bot) == await fresh(bot)
    other = replace(bot.config, insights=replace(bot.config.insights, min_cell=3))
    assert insight_runs.config_key(other, A) != insight_runs.config_key(bot.config, A) and first["personas"]
    [(_g, text_at, _b)] = await kept(bot)
    await bot.runtime.repo.privacy.purge_text(text_at + 1)
    assert await kept(bot) == []  # the quoted text aged out: so did the run
    assert await shown(bot) == await fresh(bot)
