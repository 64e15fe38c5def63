"""A small community for console tests: two listed groups with their own admins, one group only stored,
30 days of history (group A fading, group B steady), and helpers to log in over HTTP."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

from bot.adapters.generic import parse_event
from bot.core.events import event_to_dict
from bot.faces.console.auth import COOKIE
from bot.faces.console.service import CONSOLE
from storage.repo import Delivery

A, B, C = "generic:g-a", "generic:g-b", "generic:g-c"
ADMIN_A, ADMIN_B, ROOT, NOBODY = "generic:u-a", "generic:u-b", "generic:u-root", "generic:u-5"
NAMES = {A: "红酒爱好者", B: "摄影交流群", C: "跑步群"}
DAY = 86400.0
SURVEY = {"id": "taste", "title": "口味调查", "questions": [
    {"id": "wine", "text": "你喜欢哪种酒？", "kind": "single", "options": ["红葡萄酒", "白葡萄酒"]},
    {"id": "city", "text": "你在哪个城市？", "kind": "text"}]}


class Clock:
    """A clock a test moves by setting ``now``."""

    def __init__(self, now: float = 1_790_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def sections(**extra: Any) -> dict[str, Any]:
    """Config sections (for ``make_config`` / ``make_bot``): admins per group, ``[defaults] admins`` = ROOT."""
    return {"defaults": {"admins": [ROOT]},
            "groups": [{"id": A, "name": NAMES[A], "admins": [ADMIN_A]},
                       {"id": B, "name": NAMES[B], "admins": [ADMIN_B]}], **extra}


def history(now: float) -> list[dict[str, Any]]:
    """Generic events: A was busy two weeks ago and is quiet now, with more leaving than joining; B talks
    every day; C (not in the config) has a little chat."""
    events: list[dict[str, Any]] = []

    def msg(group: str, user: int, t: float, text: str = "今晚喝什么酒") -> None:
        gid = group.partition(":")[2]
        events.append({"id": f"{gid}-{len(events)}", "type": "message", "time": int(t),
                       "group": {"id": gid, "name": NAMES[group]}, "user": {"id": f"u-{user}", "name": f"成员{user}"},
                       "text": text})

    def member(group: str, kind: str, user: int, t: float) -> None:
        gid = group.partition(":")[2]
        events.append({"id": f"{gid}-{kind}-{len(events)}", "type": kind, "time": int(t),
                       "group": {"id": gid, "name": NAMES[group]}, "user": {"id": f"u-{user}"}})

    for day in range(8, 29):
        for user in range(1, 7):
            msg(A, user, now - day * DAY - user * 60, "昨晚开了一瓶赤霞珠")
    for day in (1, 3):
        msg(A, 1, now - day * DAY)
    for user in (7, 8):
        member(A, "member_joined", user, now - 20 * DAY)
    for user in (3, 4, 7):
        member(A, "member_left", user, now - 2 * DAY - user)
    for day in range(0, 30):
        for user in (11, 12, 13):
            msg(B, user, now - day * DAY - 3600 - user, "新买的相机拍夜景")
    member(B, "member_joined", 14, now - 3 * DAY)
    for day in range(0, 5):
        msg(C, 21, now - day * DAY - 7200, "早上跑了十公里")
    return events


def write_history(path: Path, now: float | None = None) -> Path:
    events = history(time.time() if now is None else now)
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), encoding="utf-8")
    return path


async def seed(runtime: Any, now: float) -> None:
    """Take the history in through the runtime's own intake (as ``quntag replay`` does) and wait for it."""
    events = [parse_event("generic", e) for e in history(now)]
    await runtime.repo.intake.accept([Delivery("generic", ev.event_id, (event_to_dict(ev),)) for ev in events])
    runtime.inbox.wake()
    await runtime.inbox.drained()


async def persona_community(make_bot: Any) -> Any:
    """A seeded community bot whose small groups still form personas (cells of 2, every member eligible),
    keeping text, on a clock tests can move."""
    clock = Clock()
    b = await make_bot(clock=clock, **sections(insights={"min_cell": 2, "persona_min_messages": 1, "min_support": 2},
                                               storage={"store_text": True}))
    await seed(b.runtime, clock.now)
    return b


async def link(client: TestClient[Any, Any], member: str) -> str | None:
    """A fresh login link for ``member``, as ``quntag console-link`` would print it (None: no admin)."""
    return await client.server.app[CONSOLE].logins.issue(member)


def path_of(url: str | None) -> str:
    """The path and query of a login link (the test client has its own host and port)."""
    assert url is not None
    return url[url.index("/console/"):]


async def login(client: TestClient[Any, Any], member: str) -> str:
    """Log ``client`` in as ``member``; returns the session's CSRF token (read from a page's form)."""
    url = await link(client, member)
    assert url is not None
    r = await client.get(path_of(url), allow_redirects=False)
    assert r.status == 303, await r.text()
    assert COOKIE in r.cookies
    page = await (await client.get("/console/")).text()
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert found, page
    return found.group(1)
