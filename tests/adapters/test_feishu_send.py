"""Feishu outbound against a fake Open Platform on loopback: token cache/refresh, uuid, rate limits, retries."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.adapters.feishu import FeishuAdapter
from bot.core.adapter import AdapterDeps, SendError
from bot.core.events import ChatRef, UserRef
from bot.core.outgoing import Mention, Outgoing, Text
from tests.adapters._cn_helpers import Clock, FakeAPI

TOKEN = "/open-apis/auth/v3/tenant_access_token/internal"
MESSAGES = "/open-apis/im/v1/messages"
NOW = 1767225600.0


@pytest.fixture
async def api() -> AsyncIterator[FakeAPI]:
    fake = FakeAPI(defaults={TOKEN: (200, {"code": 0, "msg": "ok", "tenant_access_token": "t-1", "expire": 7200}),
                             MESSAGES: (200, {"code": 0, "msg": "success", "data": {"message_id": "om_new"}}),
                             "/open-apis/bot/v3/info": (200, {"code": 0, "bot": {"open_id": "ou_bot"}})})
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as s:
        yield s


def make(api: FakeAPI, session: aiohttp.ClientSession, clock: Clock) -> Any:
    opts = {"app_id": "cli_x", "app_secret": "sec", "verification_token": "vt", "encrypt_key": "k",
            "api_base": api.base}
    return FeishuAdapter("fs", opts, AdapterDeps(session=session, clock=clock))


def hello(key: str = "quntag-1", reply_to: str | None = None) -> Outgoing:
    return Outgoing(ChatRef("fs", "oc_group_01"), (Text("hi "), Mention(UserRef("fs", "ou_bob"), "Bob")),
                    reply_to=reply_to, key=key)


async def test_send_fetches_token_once_and_posts_with_uuid(api: FakeAPI, session: aiohttp.ClientSession) -> None:
    a = make(api, session, Clock(NOW))
    await a.send(hello("quntag-1"))
    await a.send(hello("quntag-2"))
    assert len(api.to(TOKEN)) == 1
    assert api.to(TOKEN)[0].body == {"app_id": "cli_x", "app_secret": "sec"}
    first, second = api.to(MESSAGES)
    assert first.query == {"receive_id_type": "chat_id"}
    assert first.headers["Authorization"] == "Bearer t-1"
    assert first.body["receive_id"] == "oc_group_01" and first.body["msg_type"] == "post"
    assert json.loads(first.body["content"]) == {"zh_cn": {"title": "", "content": [
        [{"tag": "text", "text": "hi "}, {"tag": "at", "user_id": "ou_bob"}]]}}
    assert [first.body["uuid"], second.body["uuid"]] == ["quntag-1", "quntag-2"]


async def test_token_is_refreshed_before_it_expires(api: FakeAPI, session: aiohttp.ClientSession) -> None:
    clock = Clock(NOW)
    a = make(api, session, clock)
    await a.send(hello())
    clock.now += 7200 - 600 - 1
    await a.send(hello())
    assert len(api.to(TOKEN)) == 1
    clock.now += 2
    api.queue(TOKEN, 200, {"code": 0, "tenant_access_token": "t-2", "expire": 7200})
    await a.send(hello())
    assert len(api.to(TOKEN)) == 2 and api.to(MESSAGES)[-1].headers["Authorization"] == "Bearer t-2"


async def test_rejected_token_is_refetched_and_the_send_retried(api: FakeAPI, session: aiohttp.ClientSession) -> None:
    a = make(api, session, Clock(NOW))
    await a.send(hello())
    api.queue(MESSAGES, 400, {"code": 99991663, "msg": "Invalid access token"})
    api.queue(TOKEN, 200, {"code": 0, "tenant_access_token": "t-2", "expire": 7200})
    await a.send(hello())
    assert len(api.to(TOKEN)) == 2
    assert [c.headers["Authorization"] for c in api.to(MESSAGES)] == ["Bearer t-1", "Bearer t-1", "Bearer t-2"]


@pytest.mark.parametrize("status", [429, 400])
async def test_rate_limit_answers_give_retry_after(api: FakeAPI, session: aiohttp.ClientSession, status: int) -> None:
    a = make(api, session, Clock(NOW))
    api.queue(MESSAGES, status, {"code": 99991400, "msg": "request trigger frequency limit"},
              {"x-ogw-ratelimit-reset": "7"})
    with pytest.raises(SendError) as info:
        await a.send(hello())
    assert not info.value.permanent and info.value.retry_after == 7.0


async def test_server_errors_are_retryable_and_refusals_permanent(api: FakeAPI,
                                                                  session: aiohttp.ClientSession) -> None:
    a = make(api, session, Clock(NOW))
    api.queue(MESSAGES, 503, {"code": 1, "msg": "busy"})
    with pytest.raises(SendError) as info:
        await a.send(hello())
    assert not info.value.permanent
    api.queue(MESSAGES, 400, {"code": 230002, "msg": "Bot/User can NOT be out of the chat."})
    with pytest.raises(SendError) as info:
        await a.send(hello())
    assert info.value.permanent


async def test_token_failure_is_retryable(api: FakeAPI, session: aiohttp.ClientSession) -> None:
    a = make(api, session, Clock(NOW))
    api.queue(TOKEN, 200, {"code": 10014, "msg": "app secret invalid"})
    with pytest.raises(SendError) as info:
        await a.send(hello())
    assert not info.value.permanent and not api.to(MESSAGES)


async def test_replies_use_the_reply_api_and_fall_back_to_the_group(api: FakeAPI,
                                                                    session: aiohttp.ClientSession) -> None:
    a = make(api, session, Clock(NOW))
    reply_path = f"{MESSAGES}/om_msg_0001/reply"
    api.defaults[reply_path] = (200, {"code": 0, "data": {}})
    await a.send(hello("k-1", reply_to="om_msg_0001"))
    [call] = api.to(reply_path)
    assert call.body["uuid"] == "k-1" and "receive_id" not in call.body
    api.queue(reply_path, 400, {"code": 230011, "msg": "message withdrawn"})
    await a.send(hello("k-2", reply_to="om_msg_0001"))
    assert api.to(MESSAGES)[-1].body["receive_id"] == "oc_group_01"


async def test_start_learns_the_bot_open_id(api: FakeAPI, session: aiohttp.ClientSession) -> None:
    a = make(api, session, Clock(NOW))
    await a.start()
    assert a.bot_open_id == "ou_bot" and a.health()["bot_open_id_known"]


async def test_start_survives_an_unreachable_api(session: aiohttp.ClientSession) -> None:
    a = FeishuAdapter("fs", {"app_id": "a", "app_secret": "s", "verification_token": "v", "encrypt_key": "k",
                     "api_base": "http://127.0.0.1:9"},
              AdapterDeps(session=session, clock=Clock(NOW)))
    await a.start()
    assert a.bot_open_id == ""
