"""The dashboard's lifecycle mix and flow are the stages the domain evaluates from the facts: a past date's
stages are evaluated once and kept, and a message that arrives late from before that date shows on the next
view (it drops what was kept)."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

import pytest

from bot.adapters.generic import parse_event
from bot.core.events import event_to_dict
from bot.core.timeutil import day_minus, local_day
from bot.domain import profiles, refresh
from bot.faces.console.stages import end_of
from storage.repo import Delivery
from tests.conftest import TOKEN
from tests.faces.console._community import ADMIN_A, NAMES, A, login, sections, seed

DAY = 86400.0
AUTH = {"Authorization": f"Bearer {TOKEN}"}
TZ = "Asia/Shanghai"


@pytest.fixture
async def console(make_bot: Any) -> Any:
    bot = await make_bot(**sections())
    await seed(bot.runtime, time.time())
    return bot


async def dashboard(console: Any, start: str, end: str) -> dict[str, Any]:
    r = await console.client.get(f"/api/console/groups/{quote(A, safe='')}", params={"from": start, "to": end},
                                 headers=AUTH)
    assert r.status == 200
    body: dict[str, Any] = await r.json()
    return body


async def evaluated(console: Any, times: list[float]) -> list[dict[str, int]]:
    """Members per stage at each of ``times``, evaluated from the facts by the domain."""
    rt = console.runtime
    out = []
    for stages in await profiles.lifecycles(rt.repo, rt.config, A, times):
        counts: dict[str, int] = {}
        for s in stages.values():
            if s.lifecycle is not None:
                counts[s.lifecycle] = counts.get(s.lifecycle, 0) + 1
        out.append(counts)
    return out


def nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in counts.items() if v}


async def test_the_flow_and_mix_match_the_domain_and_a_late_message_updates_a_kept_date(console: Any) -> None:
    now = time.time()
    today = local_day(now, TZ)
    start = day_minus(today, 12)
    first = await dashboard(console, start, today)
    then, current = await evaluated(console, [end_of(start, TZ, now), now])
    assert nonzero(first["flow"]["before"]) == then and then  # twelve days ago: six talkers, two newcomers
    assert nonzero(first["flow"]["after"]) == current == nonzero(first["lifecycle"])
    again = await dashboard(console, start, today)  # reads the kept date
    assert again["flow"] == first["flow"] and again["lifecycle"] == first["lifecycle"]

    late = {"id": "late-1", "type": "message", "time": int(now - 13 * DAY), "text": "补发的旧消息",
            "group": {"id": A.partition(":")[2], "name": NAMES[A]}, "user": {"id": "u-40", "name": "迟到的人"}}
    ev = parse_event("generic", late)
    await console.runtime.repo.intake.accept([Delivery("generic", ev.event_id, (event_to_dict(ev),))])
    console.runtime.inbox.wake()
    await console.runtime.inbox.drained()
    await dashboard(console, start, today)  # shows the last recompute's stages now, and renews them meanwhile
    await refresh.settled()
    after = await dashboard(console, start, today)
    (then_now,) = await evaluated(console, [end_of(start, TZ, time.time())])
    assert nonzero(after["flow"]["before"]) == then_now
    assert sum(then_now.values()) == sum(then.values()) + 1  # the late member existed twelve days ago


async def test_a_member_who_opted_out_is_counted_in_the_stage_they_are_in_now(console: Any) -> None:
    rt, now = console.runtime, time.time()
    today = local_day(now, TZ)
    before = await dashboard(console, today, today)
    await rt.repo.privacy.set_opt_out(A, "generic:u-1", True)  # the recompute keeps their old stored state
    (stages,) = await profiles.lifecycles(rt.repo, rt.config, A, [time.time()], ids=["generic:u-1"])
    after = await dashboard(console, today, today)
    assert after["lifecycle"] == before["lifecycle"]  # opting out changes no stage
    assert stages["generic:u-1"].lifecycle is not None and after["lifecycle"][stages["generic:u-1"].lifecycle] >= 1


async def test_after_new_messages_a_view_shows_the_last_recompute_at_once_and_renews_it(console: Any) -> None:
    rt, now = console.runtime, time.time()
    today = local_day(now, TZ)
    first = await dashboard(console, today, today)
    new = {"id": "new-1", "type": "message", "time": int(now), "text": "大家好，我是新来的",
           "group": {"id": A.partition(":")[2], "name": NAMES[A]}, "user": {"id": "u-50", "name": "新朋友"}}
    ev = parse_event("generic", new)
    await rt.repo.intake.accept([Delivery("generic", ev.event_id, (event_to_dict(ev),))])
    rt.inbox.wake()
    await rt.inbox.drained()
    shown = await dashboard(console, today, today)
    assert shown["lifecycle"] == first["lifecycle"]  # the operator does not wait for the recompute
    await refresh.settled()
    await rt.repo.activity.record_sighting(A, "generic", NAMES[A], "generic:u-51", "又一位", time.time(), late=False)
    await login(console.client, ADMIN_A)
    page = await (await console.client.get(f"/console/groups/{quote(A, safe='')}")).text()
    assert "画像数据正在后台更新" in page  # and says so
    await refresh.settled()
    assert "画像数据正在后台更新" not in await (await console.client.get(f"/console/groups/{quote(A, safe='')}")).text()
    renewed = await dashboard(console, today, today)
    assert sum(renewed["lifecycle"].values()) == sum(first["lifecycle"].values()) + 2
    assert sum(renewed["tiers"].values()) == sum(first["tiers"].values()) + 2
