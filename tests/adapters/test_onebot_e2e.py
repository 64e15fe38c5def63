"""End to end through ``create_app``: signed OneBot events → profiles, and /me → one reply at the fake API."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.adapters.onebot import signature
from bot.faces.appkeys import RUNTIME
from bot.faces.demo.receiver import start_site
from bot.faces.server import create_app
from tests.adapters._helpers import FakeOneBot, auth, fixture, make_config

SECRET = "ob-secret"
Client = TestClient[Any, Any]
NOW = int(time.time()) - 3600


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeOneBot, str]]:
    server = FakeOneBot("ob-token")
    runner, url = await start_site(server.app())
    yield server, url
    await runner.cleanup()


@pytest.fixture
async def client(tmp_path: Path, fake: tuple[FakeOneBot, str],
                 aiohttp_client: Callable[[web.Application], Awaitable[Client]]) -> Client:
    cfg = make_config(tmp_path, {"qq": {"type": "onebot", "secret": SECRET, "access_token": "ob-token",
                                        "api_base": fake[1]}})
    return await aiohttp_client(create_app(cfg, schedule=False))


async def post(client: Client, payload: Any, sign: bool = True, sig: str | None = None) -> tuple[int, bytes]:
    raw = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json", "X-Self-ID": "10001"}
    if sign:
        headers["X-Signature"] = sig or signature(SECRET, raw)
    resp = await client.post("/webhook/qq", data=raw, headers=headers)
    return resp.status, await resp.read()


async def settle(client: Client) -> None:
    rt = client.app[RUNTIME]
    await asyncio.wait_for(rt.inbox.drained(), 10)
    assert await rt.outbox.drained(10)


def group_msg(mid: int, message: Any, user: int = 20002, card: str = "", role: str = "member") -> dict[str, Any]:
    return {"time": NOW + mid % 1000, "self_id": 10001, "post_type": "message", "message_type": "group",
            "sub_type": "normal", "message_id": mid, "group_id": 987654, "user_id": user, "anonymous": None,
            "message": message, "raw_message": message if isinstance(message, str) else "", "font": 0,
            "sender": {"user_id": user, "nickname": "Nick", "card": card, "role": role}}


async def test_webhook_answers(client: Client) -> None:
    payload = fixture("onebot", "group_array")["payload"]
    assert (await post(client, payload, sign=False))[0] == 401
    assert (await post(client, payload, sig="sha1=" + "0" * 40))[0] == 403
    assert await post(client, payload) == (204, b"")
    assert await post(client, payload) == (204, b"")  # duplicate
    assert await post(client, fixture("onebot", "heartbeat")["payload"]) == (204, b"")
    assert (await post(client, b"{nope"))[0] == 400
    await settle(client)
    resp = await client.get("/api/groups/qq:987654/members/qq:20002", headers=auth())
    assert resp.status == 200 and (await resp.json())["stats"]["messages"] == 1


async def test_keywords_produce_tags_with_both_message_forms(client: Client) -> None:
    await post(client, group_msg(1, "[CQ:at,qq=20003] 周末开了瓶红酒 &#91;真的&#93;", card="阿丽"))
    await post(client, group_msg(2, [{"type": "text", "data": {"text": "赤霞珠配牛排"}}], card="阿丽"))
    await post(client, group_msg(3, [{"type": "text", "data": {"text": "新相机到了"}}], card="阿丽"))
    await settle(client)
    resp = await client.get("/api/groups/qq:987654/members/qq:20002", headers=auth())
    p = await resp.json()
    assert resp.status == 200 and p["name"] == "阿丽" and p["stats"]["messages"] == 3
    tags = {t["name"]: t for t in p["tags"]}
    assert tags["红酒"]["score"] >= 1.9 and "摄影" in tags


async def test_me_gets_one_reply(client: Client, fake: tuple[FakeOneBot, str]) -> None:
    server, _ = fake
    await post(client, group_msg(10, "红酒", user=30003, card="Tom <b>&"))
    await settle(client)
    segs = [{"type": "at", "data": {"qq": "10001"}}, {"type": "text", "data": {"text": " /me"}}]
    await post(client, group_msg(11, segs, user=30003, card="Tom <b>&", role="owner"))
    await post(client, group_msg(11, "[CQ:at,qq=10001] /me", user=30003, card="Tom <b>&"))  # same id again
    await settle(client)
    assert len(server.sent) == 1
    action, body = server.sent[0]
    assert action == "send_group_msg" and body["group_id"] == 987654
    assert body["message"][0] == {"type": "reply", "data": {"id": "11"}}
    text = "".join(s["data"]["text"] for s in body["message"] if s["type"] == "text")
    assert "Tom <b>&" in text and "红酒" in text  # segment arrays carry raw text: no escaping


async def test_join_and_leave_notices(client: Client) -> None:
    inc = dict(fixture("onebot", "group_increase_invite")["payload"], time=NOW)
    dec = dict(fixture("onebot", "group_decrease_leave")["payload"], time=NOW + 60)
    assert (await post(client, inc))[0] == 204
    assert (await post(client, dec))[0] == 204
    await settle(client)
    resp = await client.get("/api/groups/qq:987654/members/qq:40004", headers=auth())
    p = await resp.json()
    assert resp.status == 200 and p["lifecycle"] == "left"


async def test_healthz(client: Client) -> None:
    body = await (await client.get("/healthz", headers=auth())).json()
    assert body["adapters"]["qq"]["visibility"] == "all"


# -- entry gate end to end: group add request → set_group_add_request -----------------------------------

GATE = {"keyword": "品酒", "question": "暗号是什么？", "timeout_minutes": 10}


@pytest.fixture
async def gate_client(tmp_path: Path, fake: tuple[FakeOneBot, str],
                      aiohttp_client: Callable[[web.Application], Awaitable[Client]]) -> Client:
    cfg = make_config(tmp_path, {"qq": {"type": "onebot", "secret": SECRET, "access_token": "ob-token",
                                        "api_base": fake[1]}},
                      groups=[{"id": "qq:123456789", "gate": {**GATE, "otherwise": "decline"}, "welcome": False},
                              {"id": "qq:555", "gate": {**GATE, "otherwise": "hold"}, "welcome": False}])
    return await aiohttp_client(create_app(cfg, schedule=False))


def add_request(flag: str, comment: str, group: int = 123456789, user: int = 987654321) -> dict[str, Any]:
    return {**fixture("gate", "onebot_group_add_request")["payload"], "time": NOW, "flag": flag,
            "comment": comment, "group_id": group, "user_id": user}


async def test_gate_approves_on_the_keyword_else_declines_or_holds(gate_client: Client,
                                                                   fake: tuple[FakeOneBot, str]) -> None:
    server, _ = fake
    assert await post(gate_client, add_request("f1", "问题：暗号是什么？\n答案：品酒")) == (204, b"")
    assert await post(gate_client, add_request("f1", "问题：暗号是什么？\n答案：品酒")) == (204, b"")  # retried
    await post(gate_client, add_request("f2", "路过", user=20005))
    await post(gate_client, add_request("f3", "路过", group=555, user=20006))
    await settle(gate_client)
    assert server.sent == [
        ("set_group_add_request", {"flag": "f1", "sub_type": "add", "approve": True}),
        ("set_group_add_request", {"flag": "f2", "sub_type": "add", "approve": False, "reason": "未通过入群验证"})]
    rt = gate_client.app[RUNTIME]
    held = await rt.repo.joins.join_requests(group_id="qq:555")
    assert [(r[1], r[5]) for r in held] == [("qq:20006", "held")]  # waits for an admin's /gate approve
