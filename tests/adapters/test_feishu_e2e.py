"""Feishu end to end: create_app + signed/encrypted webhooks + a fake Open Platform for replies."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.faces.server import create_app
from tests.adapters import _cn_helpers
from tests.adapters._cn_helpers import (
    FEISHU_KEY,
    FakeAPI,
    e2e_config,
    feishu_request,
    fixture_bytes,
    groups,
    member,
    settle,
)

TOKEN = "/open-apis/auth/v3/tenant_access_token/internal"
MESSAGES = "/open-apis/im/v1/messages"


@pytest.fixture
async def api() -> AsyncIterator[FakeAPI]:
    fake = FakeAPI(defaults={TOKEN: (200, {"code": 0, "tenant_access_token": "t-1", "expire": 7200}),
                             MESSAGES: (200, {"code": 0, "data": {}}),
                             "/open-apis/bot/v3/info": (200, {"code": 0, "bot": {"open_id": "ou_bot"}})})
    await fake.start()
    yield fake
    await fake.stop()


def message(message_id: str, text: str) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(fixture_bytes("feishu", "message_text.json"))
    payload["header"]["event_id"] = "ev-" + message_id
    msg = payload["event"]["message"]
    msg.update(message_id=message_id, create_time=str(int(time.time() * 1000)), parent_id="", root_id="",
               content=json.dumps({"text": "@_user_1 " + text}, ensure_ascii=False))
    return payload


async def test_feishu_end_to_end(aiohttp_client: Any, tmp_path: Path, api: FakeAPI) -> None:
    config = e2e_config(tmp_path, {"feishu": {"app_id": "cli_x", "app_secret": "sec", "verification_token": "vt-abc",
                                              "encrypt_key": FEISHU_KEY, "api_base": api.base}})
    client = await aiohttp_client(create_app(config, schedule=False))
    now = str(int(time.time()))

    # rejected deliveries record nothing
    headers, body = feishu_request(message("om_bad", "赤霞珠"), ts=now, nonce="n-bad")
    assert (await client.post("/webhook/feishu", data=body)).status == 401
    wrong = {**headers, "X-Lark-Signature": "0" * 64}
    assert (await client.post("/webhook/feishu", data=body, headers=wrong)).status == 403
    old_headers, old_body = feishu_request(message("om_old", "赤霞珠"), ts=str(int(now) - 9 * 3600), nonce="n-old")
    assert (await client.post("/webhook/feishu", data=old_body, headers=old_headers)).status == 403
    assert (await client.post("/webhook/feishu", data=b"{oops")).status == 400
    await settle(client)
    assert await groups(client) == []

    # the url_verification challenge
    challenge = {"challenge": "ch-9", "token": "vt-abc", "type": "url_verification"}
    h, b = feishu_request(challenge, ts=now, nonce="n-ch")
    resp = await client.post("/webhook/feishu", data=b, headers=h)
    assert resp.status == 200 and await resp.json() == {"challenge": "ch-9"}

    # a keyword message makes a tag
    h, b = feishu_request(message("om_1", "昨晚开了一瓶赤霞珠"), ts=now, nonce="n-1")
    resp = await client.post("/webhook/feishu", data=b, headers=h)
    assert resp.status == 200 and await resp.read() == b"{}"
    await settle(client)
    status, profile = await member(client, "feishu:oc_group_01", "feishu:ou_alice")
    assert status == 200 and [t["name"] for t in profile["tags"]] == ["红酒"]

    # /me → exactly one reply, through the reply API, after one rate-limited attempt
    reply_path = f"{MESSAGES}/om_me/reply"
    api.defaults[reply_path] = (200, {"code": 0, "data": {}})
    api.queue(reply_path, 429, {"code": 99991400, "msg": "limit"}, {"x-ogw-ratelimit-reset": "0"})
    h, b = feishu_request(message("om_me", "/me"), ts=now, nonce="n-me")
    assert (await client.post("/webhook/feishu", data=b, headers=h)).status == 200
    await settle(client)
    h, b = feishu_request(message("om_me", "/me"), ts=now, nonce="n-me-retry")  # Feishu redelivers
    assert (await client.post("/webhook/feishu", data=b, headers=h)).status == 200
    await settle(client)
    calls = api.to(reply_path)
    assert len(calls) == 2 and calls[0].body["uuid"] == calls[1].body["uuid"]
    assert "红酒" in json.dumps(json.loads(calls[1].body["content"]), ensure_ascii=False)
    assert len(api.to(TOKEN)) == 1

    health = await (await client.get("/healthz", headers={"Authorization": f"Bearer {_cn_helpers.API_TOKEN}"})).json()
    assert health["adapters"]["feishu"]["visibility"] == "mentions"
