"""DingTalk: §7 sign vector, fixtures, rejections, dingtalk-stream cross-check, sends on a fake API, end to end."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.adapters.dingtalk import DingTalkAdapter, sign
from bot.core.adapter import AdapterDeps, SendError, WebhookRejected
from bot.core.config import ConfigError
from bot.core.events import ChatRef, UserRef
from bot.core.outgoing import Mention, Outgoing, Text
from bot.faces.server import create_app
from tests.adapters._cn_helpers import (
    DINGTALK_SECRET,
    Clock,
    FakeAPI,
    dingtalk_headers,
    e2e_config,
    expected,
    fixture_bytes,
    groups,
    member,
    normalized,
    settle,
)
from tests.adapters._helpers import parse_and_learn

TS = 1767225600000
NOW = TS / 1000
FIXTURES = ["group_text.json", "group_mention_nostaff.json", "private_text.json"]
TOKEN = "/v1.0/oauth2/accessToken"
GROUP_SEND = "/v1.0/robot/groupMessages/send"
SESSION = "/robot/sendBySession"


def adapter(clock: Clock | None = None, session: aiohttp.ClientSession | None = None, **opts: Any) -> Any:
    options = {"app_key": "dingkey", "app_secret": DINGTALK_SECRET, "robot_code": "dingrobot01", **opts}
    return DingTalkAdapter("dingtalk", options, AdapterDeps(session=session, clock=clock or Clock(NOW)))


def rejected(a: Any, headers: dict[str, str], body: bytes) -> int:
    with pytest.raises(WebhookRejected) as info:
        a.verify(headers, {}, body)
    return info.value.status


def test_section7_sign_vector() -> None:
    assert sign(DINGTALK_SECRET, "1767225600000") == "RlItCIkiRw20IEntQoGgWiT6BNEUzoQxVy+BSL126t8="
    body = fixture_bytes("dingtalk", "group_text.json")
    assert adapter().verify({"timestamp": "1767225600000", "sign": "RlItCIkiRw20IEntQoGgWiT6BNEUzoQxVy+BSL126t8="},
                            {}, body) == body


@pytest.mark.parametrize("name", FIXTURES)
def test_fixtures_normalize(name: str) -> None:
    a = adapter()
    body = fixture_bytes("dingtalk", name)
    assert normalized(parse_and_learn(a, a.verify(dingtalk_headers(TS), {}, body))) == expected("dingtalk", name)


def test_rejections() -> None:
    body = fixture_bytes("dingtalk", "group_text.json")
    assert rejected(adapter(), {}, body) == 401
    assert rejected(adapter(), {"timestamp": str(TS)}, body) == 401
    assert rejected(adapter(), dingtalk_headers(TS, secret="other"), body) == 403
    assert rejected(adapter(Clock(NOW + 3601)), dingtalk_headers(TS), body) == 403
    assert rejected(adapter(Clock(NOW - 3601)), dingtalk_headers(TS), body) == 403
    adapter(Clock(NOW + 3599)).verify(dingtalk_headers(TS), {}, body)
    assert rejected(adapter(), {"timestamp": "soon", "sign": sign(DINGTALK_SECRET, "soon")}, body) == 403


def test_timestamp_and_sign_are_good_for_one_body_only() -> None:
    a = adapter()
    body = fixture_bytes("dingtalk", "group_text.json")
    a.verify(dingtalk_headers(TS), {}, body)
    a.verify(dingtalk_headers(TS), {}, body)  # a redelivery: the inbox de-duplicates it by msgId
    forged = body.replace(b"hello", b"spam!")
    assert rejected(a, dingtalk_headers(TS), forged) == 403
    adapter(replay_guard=False).verify(dingtalk_headers(TS), {}, forged)


def test_malformed_is_400() -> None:
    a = adapter()
    with pytest.raises(WebhookRejected) as info:
        parse_and_learn(a, b"[1]")
    assert info.value.status == 400
    with pytest.raises(WebhookRejected):
        parse_and_learn(a, json.dumps({"msgId": "m", "conversationId": "c", "conversationType": "2"}).encode())


def test_capabilities_and_config() -> None:
    a = adapter()
    assert a.visibility() == "mentions" and not a.capabilities.membership_events
    assert a.health()["visibility"] == "mentions"
    assert DingTalkAdapter("d", {"app_key": "k", "app_secret": "s"}, AdapterDeps(session=None)).robot_code == "k"
    with pytest.raises(ConfigError, match=r"adapters\.dingtalk\.app_secret"):
        DingTalkAdapter("dingtalk", {"app_key": "k"}, AdapterDeps(session=None))


def test_dingtalk_stream_sdk_reads_fixtures_like_we_do() -> None:
    ds = pytest.importorskip("dingtalk_stream")
    for name in FIXTURES:
        raw = json.loads(fixture_bytes("dingtalk", name))
        sdk = ds.ChatbotMessage.from_dict(raw)
        body = json.dumps(sdk.to_dict()).encode()  # a body produced by the official SDK model
        ours = normalized(parse_and_learn(adapter(), body))
        assert ours == expected("dingtalk", name)
        if ours["events"]:
            ev = ours["events"][0]
            assert ev["event_id"] == sdk.message_id and ev["chat"][1] == sdk.conversation_id
            assert ev["user"][1] == (sdk.sender_staff_id or sdk.sender_id)
            assert ev["text"] == sdk.text.content.strip()


# -- sending ------------------------------------------------------------------------------------------
@pytest.fixture
async def api() -> AsyncIterator[FakeAPI]:
    fake = FakeAPI(defaults={TOKEN: (200, {"accessToken": "at-1", "expireIn": 7200}),
                             GROUP_SEND: (200, {"processQueryKey": "pq-1"}),
                             SESSION: (200, {"errcode": 0, "errmsg": "ok"})})
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as s:
        yield s


def with_session_webhook(api: FakeAPI, expires_ms: int) -> bytes:
    raw = json.loads(fixture_bytes("dingtalk", "group_text.json"))
    raw.update(sessionWebhook=f"{api.base}{SESSION}?session=abc", sessionWebhookExpiredTime=expires_ms)
    return json.dumps(raw).encode()


def hello() -> Outgoing:
    return Outgoing(ChatRef("dingtalk", "cidGroup123=="),
                    (Text("hi "), Mention(UserRef("dingtalk", "staff_alice"), "Alice")), key="k")


async def test_reply_goes_through_the_session_webhook_while_valid(api: FakeAPI,
                                                                  session: aiohttp.ClientSession) -> None:
    clock = Clock(NOW)
    a = adapter(clock, session, api_base=api.base, session_webhook_prefix=api.base + "/")
    body = with_session_webhook(api, TS + 5400_000)
    parse_and_learn(a, a.verify(dingtalk_headers(TS), {}, body))
    await a.send(hello())
    [call] = api.to(SESSION)
    assert call.query == {"session": "abc"} and not api.to(TOKEN)
    assert call.body == {"msgtype": "text", "text": {"content": "hi @staff_alice"},
                         "at": {"atUserIds": ["staff_alice"], "isAtAll": False}}
    clock.now += 5400  # expired: the robot group-message API with an access token
    await a.send(hello())
    await a.send(hello())
    assert len(api.to(SESSION)) == 1 and len(api.to(TOKEN)) == 1
    call = api.to(GROUP_SEND)[0]
    assert call.headers["x-acs-dingtalk-access-token"] == "at-1"
    assert call.body["robotCode"] == "dingrobot01" and call.body["openConversationId"] == "cidGroup123=="
    assert call.body["msgKey"] == "sampleText" and json.loads(call.body["msgParam"]) == {"content": "hi @Alice"}
    assert api.to(TOKEN)[0].body == {"appKey": "dingkey", "appSecret": DINGTALK_SECRET}


async def test_session_webhooks_elsewhere_are_never_used(api: FakeAPI, session: aiohttp.ClientSession) -> None:
    a = adapter(Clock(NOW), session, api_base=api.base)  # default prefix: https://oapi.dingtalk.com/
    body = with_session_webhook(api, TS + 5400_000)
    parse_and_learn(a, a.verify(dingtalk_headers(TS), {}, body))
    await a.send(hello())
    assert not api.to(SESSION) and len(api.to(GROUP_SEND)) == 1


async def test_token_refresh_and_errors(api: FakeAPI, session: aiohttp.ClientSession) -> None:
    clock = Clock(NOW)
    a = adapter(clock, session, api_base=api.base)
    await a.send(hello())
    api.queue(GROUP_SEND, 401, {"code": "InvalidAuthentication", "message": "token invalid"})
    api.queue(TOKEN, 200, {"accessToken": "at-2", "expireIn": 7200})
    await a.send(hello())
    assert [c.headers["x-acs-dingtalk-access-token"] for c in api.to(GROUP_SEND)] == ["at-1", "at-1", "at-2"]
    clock.now += 7200
    await a.send(hello())
    assert len(api.to(TOKEN)) == 3
    api.queue(GROUP_SEND, 429, {"code": "Forbidden.AccessDenied.QpsLimitForApi"}, {"Retry-After": "2"})
    with pytest.raises(SendError) as info:
        await a.send(hello())
    assert not info.value.permanent and info.value.retry_after == 2.0
    api.queue(GROUP_SEND, 400, {"code": "invalidParameter.openConversationId", "message": "bad"})
    with pytest.raises(SendError) as info:
        await a.send(hello())
    assert info.value.permanent
    with pytest.raises(SendError) as info:
        await a.send(Outgoing(UserRef("dingtalk", "staff_alice"), (Text("hi"),)))
    assert info.value.permanent


async def test_dingtalk_end_to_end(aiohttp_client: Any, tmp_path: Path, api: FakeAPI) -> None:
    config = e2e_config(tmp_path, {"dingtalk": {"app_key": "dingkey", "app_secret": DINGTALK_SECRET,
                                                "robot_code": "dingrobot01", "api_base": api.base,
                                                "session_webhook_prefix": api.base + "/"}})
    client = await aiohttp_client(create_app(config, schedule=False))
    now_ms = int(time.time() * 1000)

    def msg(msg_id: str, text: str) -> bytes:
        raw = json.loads(with_session_webhook(api, now_ms + 5400_000))
        raw.update(msgId=msg_id, createAt=now_ms, text={"content": " " + text})
        return json.dumps(raw, ensure_ascii=False).encode()

    body = msg("m-1", "昨晚开了一瓶赤霞珠")
    assert (await client.post("/webhook/dingtalk", data=body)).status == 401
    assert (await client.post("/webhook/dingtalk", data=body, headers=dingtalk_headers(now_ms, "x"))).status == 403
    stale = dingtalk_headers(now_ms - 3_700_000)
    assert (await client.post("/webhook/dingtalk", data=body, headers=stale)).status == 403
    await settle(client)
    assert await groups(client) == []

    resp = await client.post("/webhook/dingtalk", data=body, headers=dingtalk_headers(now_ms))
    assert resp.status == 200 and await resp.read() == b""
    await settle(client)
    status, profile = await member(client, "dingtalk:cidGroup123==", "dingtalk:staff_alice")
    assert status == 200 and [t["name"] for t in profile["tags"]] == ["红酒"]
    assert profile["name"] == "Alice"

    me = msg("m-me", "/me")
    for _ in range(2):  # a redelivery changes nothing
        assert (await client.post("/webhook/dingtalk", data=me, headers=dingtalk_headers(now_ms + 1))).status == 200
        await settle(client)
    [reply] = api.to(SESSION)
    assert "红酒" in reply.body["text"]["content"] and not api.to(GROUP_SEND)
