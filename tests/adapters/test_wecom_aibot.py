"""WeCom AI bot (智能机器人): JSON callbacks with receiveid "", @bot group messages, replies via response_url."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.adapters.wecom.aibot import WeComAIBotAdapter
from bot.adapters.wecom.crypto import WeComCrypto, signature
from bot.core.adapter import AdapterDeps, SendError, WebhookRejected
from bot.core.events import ChatRef
from bot.core.outgoing import Outgoing, Text
from bot.faces.server import create_app
from tests.adapters._cn_helpers import (
    WECOM_AES,
    WECOM_CORP,
    WECOM_TOKEN,
    Clock,
    FakeAPI,
    e2e_config,
    expected,
    fixture_bytes,
    groups,
    member,
    normalized,
    settle,
    wecom_aibot_request,
)
from tests.adapters._helpers import parse_and_learn

NOW = 1767225600.0
FIXTURES = ["group_text.json", "group_mixed.json", "single_text.json"]
RESPONSE = "/cgi-bin/aibot/response"
WEBHOOK = "/cgi-bin/webhook/send"
CHAT = "wrkSFfCgAAxxxx"


def adapter(clock: Clock | None = None, session: aiohttp.ClientSession | None = None,
            groups_: dict[str, dict[str, Any]] | None = None, **opts: Any) -> Any:
    options = {"token": WECOM_TOKEN, "encoding_aes_key": WECOM_AES, **opts}
    return WeComAIBotAdapter("wecombot", options, AdapterDeps(session=session, clock=clock or Clock(NOW),
                                                        groups=groups_ or {}))


def status_of(fn: Any, *args: Any) -> int:
    with pytest.raises(WebhookRejected) as info:
        fn(*args)
    return info.value.status


def renamed(d: dict[str, Any], adapter_name: str) -> dict[str, Any]:
    out = json.loads(json.dumps(d))
    for ev in out["events"]:
        ev["chat"][0] = ev["user"][0] = adapter_name
    return out


@pytest.mark.parametrize("name", FIXTURES)
def test_fixtures_normalize(name: str) -> None:
    a = adapter()
    query, body = wecom_aibot_request(fixture_bytes("wecom_aibot", name))
    parsed = parse_and_learn(a, a.verify({}, query, body))
    assert normalized(parsed) == renamed(expected("wecom_aibot", name), "wecombot")


def test_configured_bot_name_is_removed_wherever_it_is() -> None:
    raw = json.loads(fixture_bytes("wecom_aibot", "group_text.json"))
    raw["text"]["content"] = "大家看 @DemoBot /me"
    ev = adapter(bot_name="DemoBot").parse(json.dumps(raw).encode()).events[0]
    assert ev.text == "大家看 /me"
    assert parse_and_learn(adapter(), fixture_bytes("wecom_aibot", "group_text.json")).events[0].text == "hello #python"


def test_rejections() -> None:
    query, body = wecom_aibot_request(fixture_bytes("wecom_aibot", "group_text.json"))
    assert status_of(adapter().verify, {}, {}, body) == 401
    assert status_of(adapter().verify, {}, {**query, "msg_signature": "f" * 40}, body) == 403
    assert status_of(adapter(Clock(NOW + 7200)).verify, {}, query, body) == 403
    assert status_of(adapter().verify, {}, query, b'{"nope": 1}') == 400
    # encrypted for an app (receiveid = CorpID), not for an AI bot → 403
    enc = WeComCrypto(WECOM_TOKEN, WECOM_AES, WECOM_CORP).encrypt(b"{}")
    q = {"msg_signature": signature(WECOM_TOKEN, "1767225600", "n9", enc), "timestamp": "1767225600", "nonce": "n9"}
    assert status_of(adapter().verify, {}, q, json.dumps({"encrypt": enc}).encode()) == 403


def test_echostr_handshake_uses_an_empty_receiveid() -> None:
    echostr = WeComCrypto(WECOM_TOKEN, WECOM_AES, "").encrypt(b"1234567890")
    q = {"msg_signature": signature(WECOM_TOKEN, "1767225600", "x", echostr), "timestamp": "1767225600",
         "nonce": "x", "echostr": echostr}
    assert adapter().handshake(q).body == b"1234567890"


def test_wechatpy_crypto_agrees_with_an_empty_receiveid() -> None:
    pytest.importorskip("wechatpy")
    from wechatpy.enterprise.crypto import WeChatCrypto

    theirs = WeChatCrypto(WECOM_TOKEN, WECOM_AES, "")
    plain = fixture_bytes("wecom_aibot", "group_text.json").decode()
    xml = theirs.encrypt_message(plain, "n5", "1767225600")
    enc = xml.split("<Encrypt><![CDATA[")[1].split("]]>")[0]
    sig = xml.split("<MsgSignature><![CDATA[")[1].split("]]>")[0]
    q = {"msg_signature": sig, "timestamp": "1767225600", "nonce": "n5"}
    assert adapter().verify({}, q, json.dumps({"encrypt": enc}).encode()).decode() == plain


def test_capabilities() -> None:
    a = adapter()
    assert a.visibility() == "mentions" and not a.capabilities.membership_events
    assert a.ack.body == b"" and "@ the bot" in a.health()["sees"]


# -- replies --------------------------------------------------------------------------------------------
@pytest.fixture
async def api() -> AsyncIterator[FakeAPI]:
    fake = FakeAPI(defaults={RESPONSE: (200, {"errcode": 0, "errmsg": "ok"}),
                             WEBHOOK: (200, {"errcode": 0, "errmsg": "ok"})})
    await fake.start()
    yield fake
    await fake.stop()


def callback(api: FakeAPI, msgid: str, text: str, code: str) -> bytes:
    raw = json.loads(fixture_bytes("wecom_aibot", "group_text.json"))
    raw.update(msgid=msgid, response_url=f"{api.base}{RESPONSE}?response_code={code}",
               text={"content": "@DemoBot " + text})
    return json.dumps(raw, ensure_ascii=False).encode()


def deliver(a: Any, plain: bytes, nonce: str) -> None:
    """What the webhook does: verify the encrypted callback, then parse what it decrypted to."""
    query, body = wecom_aibot_request(plain, ts=str(int(a.deps.clock())), nonce=nonce)
    parse_and_learn(a, a.verify({}, query, body))


async def test_reply_uses_each_response_url_once(api: FakeAPI) -> None:
    chat = ChatRef("wecombot", CHAT)
    async with aiohttp.ClientSession() as session:
        clock = Clock(NOW)
        a = adapter(clock, session, response_url_prefix=api.base + "/")
        deliver(a, callback(api, "m1", "/me", "RC1"), "n1")
        await a.send(Outgoing(chat, (Text("**你的画像**"),), reply_to="m1"))
        [call] = api.to(RESPONSE)
        assert call.query == {"response_code": "RC1"}
        # Text is text: markdown in it is shown, not applied
        assert call.body == {"msgtype": "markdown", "markdown": {"content": "\\*\\*你的画像\\*\\*"}}
        with pytest.raises(SendError) as info:  # used up, no webhook key
            await a.send(Outgoing(chat, (Text("again"),), reply_to="m1"))
        assert info.value.permanent
        deliver(a, callback(api, "m2", "hi", "RC2"), "n2")
        clock.now += 3600  # expired after an hour
        with pytest.raises(SendError):
            await a.send(Outgoing(chat, (Text("late"),), reply_to="m2"))
        assert len(api.to(RESPONSE)) == 1


async def test_network_failure_keeps_the_url_and_webhook_serves_scheduled_posts(api: FakeAPI) -> None:
    chat = ChatRef("wecombot", CHAT)
    async with aiohttp.ClientSession() as session:
        a = adapter(Clock(NOW), session, {chat.id: {"wecom_webhook_key": "K"}}, api_base=api.base,
                    response_url_prefix=api.base + "/")
        deliver(a, callback(api, "m1", "/me", "RC1"), "n1")
        api.queue(RESPONSE, 502, {})
        with pytest.raises(SendError) as info:
            await a.send(Outgoing(chat, (Text("x"),), reply_to="m1"))
        assert not info.value.permanent
        await a.send(Outgoing(chat, (Text("x"),), reply_to="m1"))
        assert len(api.to(RESPONSE)) == 2 and not api.to(WEBHOOK)
        await a.send(Outgoing(chat, (Text("早报"),)))  # scheduled post
        [hook] = api.to(WEBHOOK)
        assert hook.query == {"key": "K"} and hook.body["text"]["content"] == "早报"


async def test_wecom_aibot_end_to_end(aiohttp_client: Any, tmp_path: Path, api: FakeAPI) -> None:
    config = e2e_config(tmp_path, {"wecombot": {"type": "wecom_aibot", "token": WECOM_TOKEN,
                                                "encoding_aes_key": WECOM_AES, "api_base": api.base,
                                                "response_url_prefix": api.base + "/"}})
    client = await aiohttp_client(create_app(config, schedule=False))
    now = str(int(time.time()))
    query, body = wecom_aibot_request(callback(api, "m-1", "昨晚开了一瓶赤霞珠", "RC1"), ts=now, nonce="a")
    assert (await client.post("/webhook/wecombot", data=body)).status == 401
    bad = {**query, "msg_signature": "0" * 40}
    assert (await client.post("/webhook/wecombot", params=bad, data=body)).status == 403
    await settle(client)
    assert await groups(client) == []

    resp = await client.post("/webhook/wecombot", params=query, data=body)
    assert resp.status == 200 and await resp.read() == b""
    await settle(client)
    status, profile = await member(client, f"wecombot:{CHAT}", "wecombot:zhangsan")
    assert status == 200 and [t["name"] for t in profile["tags"]] == ["红酒"]

    q2, b2 = wecom_aibot_request(callback(api, "m-me", "/me", "RC2"), ts=now, nonce="b")
    for _ in range(2):
        assert (await client.post("/webhook/wecombot", params=q2, data=b2)).status == 200
        await settle(client)
    [reply] = api.to(RESPONSE)
    assert reply.query == {"response_code": "RC2"} and "红酒" in reply.body["markdown"]["content"]
