"""Replay caches outlive a restart; platform-supplied reply URLs are trusted only narrowly.

Over real HTTP with the real app and a real SQLite file: a credential observed before a restart is
still good for its one body after it. Reply URLs (DingTalk ``sessionWebhook``, WeCom AI bot
``response_url``) come only from verified deliveries, only on the platform's host, for at most 2 h.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.adapters import adapter_types
from bot.adapters.dingtalk import DingTalkAdapter
from bot.adapters.wecom.aibot import WeComAIBotAdapter
from bot.core.adapter import AdapterDeps, SendError, WebhookRejected
from bot.core.events import ChatRef
from bot.core.outgoing import Outgoing, Text
from bot.faces.server import create_app
from tests.adapters._cn_helpers import (
    DINGTALK_SECRET,
    FEISHU_KEY,
    FEISHU_TOKEN,
    WECOM_AES,
    WECOM_CORP,
    WECOM_TOKEN,
    Clock,
    FakeAPI,
    dingtalk_headers,
    e2e_config,
    feishu_request,
    fixture_bytes,
    wecom_aibot_request,
    wecom_app_request,
)
from tests.adapters._helpers import parse_and_learn

SESSION = "/robot/sendBySession"
GROUP_SEND = "/v1.0/robot/groupMessages/send"
RESPONSE = "/cgi-bin/aibot/response"


async def _post(aiohttp_client: Any, config: Any, path: str, requests: list[tuple[dict[str, str],
                dict[str, str], bytes]]) -> list[int]:
    """Start the app on ``config``, post ``requests`` in order, stop it; the statuses."""
    client = await aiohttp_client(create_app(config, schedule=False))
    statuses = []
    for headers, query, body in requests:
        resp = await client.post(path, data=body, headers=headers, params=query)
        statuses.append(resp.status)
    await client.close()
    return statuses


def _dingtalk_body(staff: str) -> bytes:
    raw = json.loads(fixture_bytes("dingtalk", "group_text.json"))
    raw.update(senderStaffId=staff, createAt=int(time.time() * 1000))
    return json.dumps(raw).encode()


async def test_dingtalk_signature_stays_bound_to_its_body_across_a_restart(aiohttp_client: Any,
                                                                           tmp_path: Path) -> None:
    config = e2e_config(tmp_path, {"dingtalk": {"app_key": "k", "app_secret": DINGTALK_SECRET,
                                                "api_base": "http://127.0.0.1:9"}})
    headers = dingtalk_headers(int(time.time() * 1000))
    genuine, forged = _dingtalk_body("staff_alice"), _dingtalk_body("staff_mallory")
    assert await _post(aiohttp_client, config, "/webhook/dingtalk", [(headers, {}, genuine)]) == [200]
    # a new process on the same database: the pair still belongs to the genuine body
    assert await _post(aiohttp_client, config, "/webhook/dingtalk",
                       [(headers, {}, forged), ({**headers, "sign": headers["sign"] + "\u3000"}, {}, forged),
                        (headers, {}, genuine)]) == [403, 403, 200]


async def test_feishu_nonce_stays_bound_to_its_body_across_a_restart(aiohttp_client: Any, tmp_path: Path) -> None:
    config = e2e_config(tmp_path, {"feishu": {"app_id": "cli_x", "app_secret": "s", "verification_token": FEISHU_TOKEN,
                                              "encrypt_key": FEISHU_KEY, "api_base": "http://127.0.0.1:9",
                                              "bot_open_id": "ou_bot"}})
    raw = json.loads(fixture_bytes("feishu", "message_text.json"))
    ts = str(int(time.time()))
    first = feishu_request(raw, ts=ts, nonce="n-1")
    other = feishu_request({**raw, "header": {**raw["header"], "event_id": "other"}}, ts=ts, nonce="n-1")
    assert await _post(aiohttp_client, config, "/webhook/feishu", [(first[0], {}, first[1])]) == [200]
    assert await _post(aiohttp_client, config, "/webhook/feishu",
                       [(other[0], {}, other[1]), (first[0], {}, first[1])]) == [403, 200]


async def test_wecom_nonce_stays_bound_to_its_body_across_a_restart(aiohttp_client: Any, tmp_path: Path) -> None:
    config = e2e_config(tmp_path, {"wecom": {"type": "wecom_app", "token": WECOM_TOKEN,
                                             "encoding_aes_key": WECOM_AES, "corp_id": WECOM_CORP}})
    ts = str(int(time.time()))
    add = wecom_app_request(fixture_bytes("wecom_app", "external_chat_add_member.xml"), ts=ts, nonce="77")
    delete = wecom_app_request(fixture_bytes("wecom_app", "external_chat_del_member.xml"), ts=ts, nonce="77")
    assert await _post(aiohttp_client, config, "/webhook/wecom", [({}, add[0], add[1])]) == [200]
    assert await _post(aiohttp_client, config, "/webhook/wecom", [({}, delete[0], delete[1])]) == [403]


# -- reply URLs -------------------------------------------------------------------------------------------
@pytest.fixture
async def api() -> AsyncIterator[FakeAPI]:
    fake = FakeAPI(defaults={"/v1.0/oauth2/accessToken": (200, {"accessToken": "at-1", "expireIn": 7200}),
                             GROUP_SEND: (200, {"processQueryKey": "pq"}),
                             SESSION: (200, {"errcode": 0, "errmsg": "ok"}),
                             RESPONSE: (200, {"errcode": 0, "errmsg": "ok"})})
    await fake.start()
    yield fake
    await fake.stop()


def _dingtalk(api: FakeAPI, clock: Clock, session: aiohttp.ClientSession) -> Any:
    return DingTalkAdapter("dingtalk", {"app_key": "k", "app_secret": DINGTALK_SECRET, "api_base": api.base,
                                       "session_webhook_prefix": api.base + "/robot/"},
                          AdapterDeps(session=session, clock=clock))


def _with_session(url: str, expires_ms: float) -> bytes:
    raw = json.loads(fixture_bytes("dingtalk", "group_text.json"))
    raw.update(sessionWebhook=url, sessionWebhookExpiredTime=expires_ms)
    return json.dumps(raw).encode()


async def _reply_path(adapter: Any, api: FakeAPI) -> str:
    before = len(api.calls)
    await adapter.send(Outgoing(ChatRef("dingtalk", "cidGroup123=="), (Text("hi"),)))
    return next(c.path for c in api.calls[before:] if c.path in (SESSION, GROUP_SEND))


async def test_dingtalk_session_webhook_only_from_a_verified_body_on_the_platform_host(api: FakeAPI) -> None:
    clock = Clock(1767225600.0)
    async with aiohttp.ClientSession() as session:
        a = _dingtalk(api, clock, session)
        good = _with_session(f"{api.base}{SESSION}?session=s", 1767225600_000 + 3600_000)
        parse_and_learn(a, good)  # never verified: ignored
        assert await _reply_path(a, api) == GROUP_SEND
        for n, url in enumerate([f"http://evil.example{SESSION}?session=s",
                                 f"{api.base}/elsewhere?session=s",
                                 f"{api.base.replace('127.0.0.1', 'user@127.0.0.1')}{SESSION}",
                                 f"{api.base}:1{SESSION}"]):
            body = _with_session(url, 1767225600_000 + 3600_000)
            parse_and_learn(a, a.verify(dingtalk_headers(1767225600_000 + n), {}, body))
            assert await _reply_path(a, api) == GROUP_SEND, url
        parse_and_learn(a, a.verify(dingtalk_headers(1767225600_000 + 10), {}, good))
        assert await _reply_path(a, api) == SESSION


async def test_dingtalk_session_webhook_expiry_is_capped_at_two_hours(api: FakeAPI) -> None:
    clock = Clock(1767225600.0)
    async with aiohttp.ClientSession() as session:
        a = _dingtalk(api, clock, session)
        body = _with_session(f"{api.base}{SESSION}?session=s", 4102444800_000)  # the year 2100
        parse_and_learn(a, a.verify(dingtalk_headers(1767225600_000), {}, body))
        clock.now += 7200 - 60
        assert await _reply_path(a, api) == SESSION
        clock.now += 60
        assert await _reply_path(a, api) == GROUP_SEND


async def test_wecom_response_url_only_from_a_verified_body_on_the_platform_host(api: FakeAPI) -> None:
    chat = ChatRef("wecombot", "wrkSFfCgAAxxxx")
    raw = json.loads(fixture_bytes("wecom_aibot", "group_text.json"))
    async with aiohttp.ClientSession() as session:
        a = WeComAIBotAdapter("wecombot", {"token": WECOM_TOKEN, "encoding_aes_key": WECOM_AES,
                                     "response_url_prefix": api.base + "/cgi-bin/aibot/"},
                        AdapterDeps(session=session, clock=Clock(1767225600.0)))

        def deliver(msgid: str, url: str, nonce: str, verified: bool = True) -> None:
            plain = json.dumps({**raw, "msgid": msgid, "response_url": url}).encode()
            query, body = wecom_aibot_request(plain, nonce=nonce)
            parse_and_learn(a, a.verify({}, query, body) if verified else plain)

        deliver("m1", f"{api.base}{RESPONSE}?response_code=1", "n1", verified=False)
        deliver("m2", f"http://evil.example{RESPONSE}?response_code=2", "n2")
        for msgid in ("m1", "m2"):
            with pytest.raises(SendError, match="no response_url"):
                await a.send(Outgoing(chat, (Text("hi"),), reply_to=msgid))
        deliver("m3", f"{api.base}{RESPONSE}?response_code=3", "n3")
        await a.send(Outgoing(chat, (Text("hi"),), reply_to="m3"))
        assert [c.query for c in api.to(RESPONSE)] == [{"response_code": "3"}]


def _window_requests(kind: str, ts: int) -> tuple[Any, Any, Any]:
    """(adapter factory, genuine request, another body under the same credential) sent at ``ts``."""
    if kind == "dingtalk":
        headers = dingtalk_headers(ts * 1000)
        return (lambda clock: DingTalkAdapter("d", {"app_key": "k", "app_secret": DINGTALK_SECRET},
                                             AdapterDeps(session=None, clock=clock)),
                (headers, {}, _dingtalk_body("staff_alice")), (headers, {}, _dingtalk_body("staff_mallory")))
    if kind == "feishu":
        raw = json.loads(fixture_bytes("feishu", "message_text.json"))
        a = feishu_request(raw, ts=str(ts), nonce="n-w")
        b = feishu_request({**raw, "header": {**raw["header"], "event_id": "other"}}, ts=str(ts), nonce="n-w")
        return (lambda clock: adapter_types()["feishu"].build("f", {"app_id": "a", "app_secret": "s",
                                                               "verification_token": FEISHU_TOKEN,
                                                               "encrypt_key": FEISHU_KEY},
                                                         AdapterDeps(session=None, clock=clock)),
                (a[0], {}, a[1]), (b[0], {}, b[1]))
    add = wecom_app_request(fixture_bytes("wecom_app", "external_chat_add_member.xml"), ts=str(ts), nonce="9")
    delete = wecom_app_request(fixture_bytes("wecom_app", "external_chat_del_member.xml"), ts=str(ts), nonce="9")
    return (lambda clock: adapter_types()["wecom_app"].build("w", {"token": WECOM_TOKEN, "encoding_aes_key": WECOM_AES,
                                                              "corp_id": WECOM_CORP},
                                                        AdapterDeps(session=None, clock=clock)),
            ({}, add[0], add[1]), ({}, delete[0], delete[1]))


@pytest.mark.parametrize(("kind", "window"), [("dingtalk", 3600), ("feishu", 8 * 3600), ("wecom", 3600)])
def test_a_key_is_kept_for_as_long_as_its_timestamp_is_accepted(kind: str, window: int) -> None:
    """A timestamp from the edge of the future window stays good for two windows: so does its key."""
    now = 1767225600
    make, genuine, forged = _window_requests(kind, now + window - 1)
    clock = Clock(float(now))
    adapter = make(clock)
    parse_and_learn(adapter, adapter.verify(*genuine))
    clock.now = now + 2 * window - 2  # the timestamp is still inside the window
    with pytest.raises(WebhookRejected) as info:
        adapter.verify(*forged)
    assert info.value.status == 403
