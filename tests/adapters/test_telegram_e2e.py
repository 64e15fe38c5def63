"""End to end through ``create_app``: Telegram webhook → inbox → handlers → outbox → fake Bot API."""

from __future__ import annotations

import asyncio
import copy
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import text

from bot.faces.appkeys import RUNTIME
from bot.faces.demo.receiver import start_site
from bot.faces.server import create_app
from tests.adapters._helpers import TG_TOKEN, FakeTelegram, auth, fixture, make_config

SECRET = "tg-secret"
GROUP = "telegram:-1001234567890"
Client = TestClient[Any, Any]
NOW = int(time.time()) - 3600  # message dates: recent, so keyword scores have not decayed


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeTelegram, str]]:
    server = FakeTelegram()
    runner, url = await start_site(server.app())
    yield server, url
    await runner.cleanup()


@pytest.fixture
async def client(tmp_path: Path, fake: tuple[FakeTelegram, str],
                 aiohttp_client: Callable[[web.Application], Awaitable[Client]]) -> Client:
    cfg = make_config(tmp_path, {"telegram": {"token": TG_TOKEN, "secret_token": SECRET, "api_base": fake[1],
                                              "bot_username": "demo_bot"}})
    return await aiohttp_client(create_app(cfg, schedule=False))


async def post(client: Client, payload: Any, secret: str | None = SECRET) -> tuple[int, bytes]:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    resp = await client.post("/webhook/telegram", data=json.dumps(payload, ensure_ascii=False).encode(),
                             headers=headers)
    return resp.status, await resp.read()


async def settle(client: Client) -> None:
    rt = client.app[RUNTIME]
    await asyncio.wait_for(rt.inbox.drained(), 10)
    assert await rt.outbox.drained(10)


def update(uid: int, text_: str, user: dict[str, Any] | None = None, mid: int | None = None,
           chat: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"update_id": uid, "message": {
        "message_id": mid or uid, "date": NOW + uid % 1000, "text": text_,
        "chat": chat or {"id": -1001234567890, "type": "supergroup", "title": "Demo Group"},
        "from": user or {"id": 111111111, "is_bot": False, "first_name": "Alice", "username": "alice"}}}


async def profile(client: Client, group: str, member: str) -> tuple[int, dict[str, Any]]:
    resp = await client.get(f"/api/groups/{group}/members/{member}", headers=auth())
    return resp.status, await resp.json()


async def test_webhook_answers(client: Client) -> None:
    payload = fixture("telegram", "group_text")["payload"]
    assert await post(client, payload, secret=None) == (401, (await post(client, payload, None))[1])
    assert (await post(client, payload, secret="wrong"))[0] == 403
    assert await post(client, payload) == (200, b"")
    assert await post(client, payload) == (200, b"")  # duplicate update_id
    assert (await post(client, "not json"))[0] == 400
    assert await post(client, fixture("telegram", "edited")["payload"]) == (200, b"")
    await settle(client)
    status, p = await profile(client, GROUP, "telegram:111111111")
    assert status == 200 and p["stats"]["messages"] == 1


async def test_keywords_produce_tags(client: Client) -> None:
    for i, words in enumerate(["昨晚开了一瓶赤霞珠", "红酒配牛排", "新买的相机"]):
        assert (await post(client, update(900000100 + i, words)))[0] == 200
    await post(client, fixture("telegram", "caption")["payload"])
    await settle(client)
    status, p = await profile(client, GROUP, "telegram:111111111")
    assert status == 200
    assert p["name"] == "Alice" and p["stats"]["messages"] == 4
    tags = {t["name"]: t for t in p["tags"]}
    assert tags["红酒"]["score"] >= 2.0 and tags["红酒"]["source"] == "keyword"
    assert "摄影" in tags


async def test_me_addressed_to_us_gets_one_escaped_reply(client: Client, fake: tuple[FakeTelegram, str]) -> None:
    server, _ = fake
    tom = {"id": 555, "is_bot": False, "first_name": "Tom", "last_name": "<b>&"}
    await post(client, update(900000200, "红酒真不错", user=tom))
    await settle(client)
    await post(client, update(900000201, "/me@other_bot", user=tom))
    await post(client, update(900000202, "/me@demo_bot", user=tom))
    await post(client, update(900000202, "/me@demo_bot", user=tom))  # Telegram retrying the same update
    await settle(client)
    assert len(server.sent) == 1
    [sent] = server.sent
    assert sent["chat_id"] == -1001234567890 and sent["parse_mode"] == "HTML"
    assert sent["reply_parameters"]["message_id"] == 900000202
    assert "Tom &lt;b&gt;&amp;" in sent["text"]
    assert "<b>" not in sent["text"] and "红酒" in sent["text"]


async def test_join_reported_twice_counts_once(client: Client) -> None:
    rt = client.app[RUNTIME]
    bob = {"id": 333333333, "is_bot": False, "first_name": "Bob"}
    service = {"update_id": 900000300, "message": {"message_id": 300, "date": 1767225700, "from": bob,
                                                   "chat": {"id": -1001234567890, "type": "supergroup"},
                                                   "new_chat_members": [bob]}}
    member = copy.deepcopy(fixture("telegram", "chat_member_join_invite_link")["payload"])
    member["update_id"] = 900000301
    member["chat_member"]["date"] = 1767225702
    await post(client, service)  # service message first: the activity layer folds the second report
    await post(client, member)
    # a later rejoin: now that chat_member updates are known for the group, service messages are skipped
    later = copy.deepcopy(member)
    later["update_id"], later["chat_member"]["date"] = 900000303, 1767230000
    later_service = copy.deepcopy(service)
    later_service["update_id"], later_service["message"]["date"] = 900000302, 1767230100
    later_service["message"]["message_id"] = 301
    await post(client, later_service)
    await post(client, later)
    await settle(client)
    rows = await rt.db.read(lambda c: c.execute(text(
        "SELECT at FROM membership_events WHERE member_id = 'telegram:333333333' ORDER BY at")).all())
    assert [r[0] for r in rows] == [1767225700.0, 1767230000.0]
    status, p = await profile(client, GROUP, "telegram:333333333")
    assert status == 200 and p["name"] == "Bob"


async def test_429_through_the_outbox_one_delivery(client: Client, fake: tuple[FakeTelegram, str]) -> None:
    server, _ = fake
    server.fail.append((429, {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
                              "parameters": {"retry_after": 1}}, None))
    server.fail.append((502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}, None))
    await post(client, update(900000400, "/id"))
    for _ in range(200):
        if server.sent:
            break
        await asyncio.sleep(0.05)
    await settle(client)
    await asyncio.sleep(0.3)
    assert len(server.sent) == 1 and len(server.attempts) == 3
    assert "telegram:111111111" in server.sent[0]["text"]


async def test_migration_error_moves_the_group(client: Client, fake: tuple[FakeTelegram, str]) -> None:
    server, _ = fake
    old_chat = {"id": -4000000001, "type": "group", "title": "Old Group"}
    await post(client, update(900000500, "赤霞珠", chat=old_chat))
    await post(client, update(900000501, "红酒", chat=old_chat))
    await settle(client)
    server.moved["-4000000001"] = -1004000000001
    await post(client, update(900000502, "/me", chat=old_chat))
    for _ in range(200):
        if server.sent:
            break
        await asyncio.sleep(0.05)
    await settle(client)
    assert [s["chat_id"] for s in server.sent] == [-1004000000001]
    assert [a["chat_id"] for a in server.attempts] == [-4000000001, -1004000000001]
    status, p = await profile(client, "telegram:-1004000000001", "telegram:111111111")
    assert status == 200 and p["group"] == "telegram:-1004000000001" and p["stats"]["messages"] == 2  # /me is no chat
    assert [t["name"] for t in p["tags"]] == ["红酒"]
    status, via_alias = await profile(client, "telegram:-4000000001", "telegram:111111111")
    assert status == 200 and via_alias["group"] == "telegram:-1004000000001"


async def test_migration_service_message_moves_the_group(client: Client) -> None:
    old_chat = {"id": -4000000001, "type": "group", "title": "Old Group"}
    await post(client, update(900000600, "赤霞珠 红酒", chat=old_chat))
    await settle(client)
    await post(client, fixture("telegram", "migrate_to")["payload"])
    await post(client, update(900000601, "葡萄酒", chat={"id": -1004000000001, "type": "supergroup"}))
    await settle(client)
    status, p = await profile(client, "telegram:-1004000000001", "telegram:111111111")
    assert status == 200 and p["stats"]["messages"] == 2
    resp = await client.get("/api/groups", headers=auth())
    assert [g["id"] for g in await resp.json()] == ["telegram:-1004000000001"]


async def test_healthz_reports_visibility(client: Client) -> None:
    resp = await client.get("/healthz", headers=auth())
    body = await resp.json()
    assert body["adapters"]["telegram"]["visibility"] == "mentions"
    await post(client, fixture("telegram", "my_chat_member_admin")["payload"])
    body = await (await client.get("/healthz", headers=auth())).json()
    assert body["adapters"]["telegram"]["visibility"] == "all"
    assert body["adapters"]["telegram"]["groups"] == {GROUP: "all"}


async def test_migration_merges_rows_already_under_the_new_id(client: Client) -> None:
    rt = client.app[RUNTIME]
    old_chat = {"id": -4000000001, "type": "group", "title": "Old Group"}
    new_chat = {"id": -1004000000001, "type": "supergroup", "title": "New Group"}
    await post(client, update(900000700, "赤霞珠", chat=old_chat, mid=1))
    await post(client, update(900000701, "红酒", chat=old_chat, mid=2))
    await post(client, update(900000702, "葡萄酒", chat=new_chat, mid=1))  # same message id, other chat
    await settle(client)
    moved = {"update_id": 900000703, "message": {"message_id": 1, "date": NOW + 800, "chat": new_chat,
                                                  "from": {"id": 111111111, "is_bot": False, "first_name": "A"},
                                                  "migrate_from_chat_id": -4000000001}}
    await post(client, moved)
    await post(client, moved)  # duplicate delivery changes nothing
    await settle(client)
    status, p = await profile(client, "telegram:-1004000000001", "telegram:111111111")
    assert status == 200
    assert p["stats"]["messages"] == 3  # counters are summed
    assert p["tags"][0]["name"] == "红酒"
    groups = await rt.db.read(lambda c: c.execute(text("SELECT id FROM groups")).all())
    assert [g[0] for g in groups] == ["telegram:-1004000000001"]
    alias = await rt.repo.members.resolve_group("telegram:-4000000001")
    assert alias == "telegram:-1004000000001"


# -- entry gate end to end: chat_join_request → private question → answer → approveChatJoinRequest ----


class Clock:
    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


GATE = {"keyword": "品酒", "question": "入群暗号？", "otherwise": "decline", "timeout_minutes": 10}


@pytest.fixture
async def gate_bot(tmp_path: Path, aiohttp_client: Callable[[web.Application], Awaitable[Client]]
                   ) -> AsyncIterator[tuple[Client, FakeTelegram, Clock]]:
    server = FakeTelegram(me={"id": 999999999, "is_bot": True, "first_name": "Demo", "username": "demo_bot",
                              "can_read_all_group_messages": False})
    runner, url = await start_site(server.app())
    clock = Clock(float(int(time.time())))
    cfg = make_config(tmp_path, {"telegram": {"token": TG_TOKEN, "secret_token": SECRET, "api_base": url}},
                      groups=[{"id": GROUP, "gate": GATE, "welcome": False}])
    yield await aiohttp_client(create_app(cfg, clock=clock, schedule=False)), server, clock
    await runner.cleanup()


def join_request(uid: int, at: float, bio: str = "") -> dict[str, Any]:
    payload = copy.deepcopy(fixture("gate", "telegram_chat_join_request")["payload"])
    payload["update_id"] += uid % 1000
    req = payload["chat_join_request"]
    req.update({"from": {"id": uid, "is_bot": False, "first_name": f"U{uid}"}, "user_chat_id": uid,
                "date": int(at), "bio": bio})
    return payload


def private(uid: int, text_: str, at: float, mid: int) -> dict[str, Any]:
    return {"update_id": 900000700 + mid, "message": {
        "message_id": mid, "date": int(at), "text": text_, "chat": {"id": uid, "type": "private"},
        "from": {"id": uid, "is_bot": False, "first_name": f"U{uid}"}}}


async def test_gate_keyword_in_the_private_answer_approves(gate_bot: tuple[Client, FakeTelegram, Clock]) -> None:
    client, server, clock = gate_bot
    assert (await post(client, join_request(222222222, clock.t)))[0] == 200
    await settle(client)
    [ask] = [s for s in server.sent if s["chat_id"] == 222222222]
    assert "入群暗号？" in ask["text"] and "红酒爱好者" in ask["text"]  # asked privately, via user_chat_id
    assert server.decisions == []
    await post(client, private(222222222, "随便看看", clock.t + 30, mid=1))
    await settle(client)
    assert server.decisions == [] and "再试一次" in server.sent[-1]["text"]
    await post(client, private(222222222, "我是来品酒的", clock.t + 60, mid=2))
    await settle(client)
    assert server.decisions == [("approveChatJoinRequest", {"chat_id": -1001234567890, "user_id": 222222222})]
    assert "已通过" in server.sent[-1]["text"] and server.sent[-1]["chat_id"] == 222222222


async def test_gate_keyword_in_the_bio_approves_at_once(gate_bot: tuple[Client, FakeTelegram, Clock]) -> None:
    client, server, clock = gate_bot
    await post(client, join_request(444444444, clock.t, bio="爱品酒的摄影师"))
    await settle(client)
    assert server.decisions == [("approveChatJoinRequest", {"chat_id": -1001234567890, "user_id": 444444444})]
    assert server.sent == []  # nothing to ask


async def test_gate_silence_is_declined_after_the_timeout(gate_bot: tuple[Client, FakeTelegram, Clock]) -> None:
    client, server, clock = gate_bot
    rt = client.app[RUNTIME]
    await post(client, join_request(333333333, clock.t))
    await post(client, join_request(333333333, clock.t))  # Telegram retrying the same update
    await settle(client)
    assert len([s for s in server.sent if s["chat_id"] == 333333333]) == 1
    clock.t += 11 * 60
    await rt.jobs.minutely()
    await settle(client)
    assert server.decisions == [("declineChatJoinRequest", {"chat_id": -1001234567890, "user_id": 333333333})]


async def test_named_invite_link_tags_the_channel(gate_bot: tuple[Client, FakeTelegram, Clock]) -> None:
    client, _server, _clock = gate_bot
    await post(client, fixture("telegram", "chat_member_join_named_link")["payload"])
    await settle(client)
    status, p = await profile(client, GROUP, "telegram:444444444")
    assert status == 200 and "渠道:小红书渠道" in {t["name"] for t in p["tags"]}
