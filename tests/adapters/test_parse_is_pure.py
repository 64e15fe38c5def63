"""``parse`` is pure on every platform: it returns what a delivery teaches and changes nothing, however
often it is called. The runtime hands the facts back through ``learn`` once the delivery is accepted and
saves the durable ones in the adapter's StateStore, so they survive a restart; a delivery that is not
accepted teaches nothing."""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.core.adapter import Adapter
from bot.core.events import UserRef
from bot.faces.appkeys import RUNTIME
from bot.faces.server import create_app
from tests.adapters._cn_helpers import Clock
from tests.adapters._fuzz_platforms import DEAD, PLATFORMS, Platform
from tests.adapters._helpers import fixture, make_config

Client = TestClient[Any, Any]
STATE = ("state", "sessions", "response_urls")  # what adapters keep in memory


def snapshot(a: Adapter) -> dict[str, Any]:
    """Everything observable about an adapter's learned state."""
    out: dict[str, Any] = {"health": a.health(), "visibility": a.visibility(),
                           "capabilities": a.capabilities}
    for name in STATE:
        if hasattr(a, name):
            out[name] = copy.deepcopy(getattr(a, name))
    replays = getattr(a, "replays", None)
    if replays is not None:
        out["replays"] = copy.deepcopy({k: v for k, v in vars(replays).items() if k != "clock"})
    return out


def plains(p: Platform) -> list[bytes]:
    if p.xml:
        return [p.pristine()]
    return [json.dumps(doc, ensure_ascii=False).encode() for doc in p.docs]


@pytest.mark.parametrize("platform", PLATFORMS, ids=[p.name for p in PLATFORMS])
def test_parse_twice_changes_nothing_and_says_the_same(platform: Platform) -> None:
    a = platform.adapter(Clock(time.time()))
    for n, plain in enumerate(plains(platform)):
        authed = a.verify(*platform.sign(plain, n))  # verify may note the credential; parse may not
        before = snapshot(a)
        first, second = a.parse(authed), a.parse(authed)
        assert first == second
        assert snapshot(a) == before, f"parse changed the adapter ({n})"


@pytest.mark.parametrize(("name", "payload", "check"), [
    ("tg", fixture("telegram", "private_start")["payload"],
     lambda a: a.can_dm(UserRef("tg", "111111111"))),
    ("qq", fixture("onebot", "private_message")["payload"], lambda a: a.can_dm(UserRef("qq", "20002"))),
    ("ding", {**json.loads((Path(__file__).parents[1] / "fixtures/dingtalk/group_text.json").read_text("utf-8")),
              "sessionWebhook": DEAD + "/robot/sendBySession?session=s",
              "sessionWebhookExpiredTime": int(time.time() * 1000) + 3_600_000},
     lambda a: bool(a.sessions)),
], ids=["telegram dm consent", "onebot dm consent", "dingtalk session webhook"])
def test_what_parse_returns_is_taken_in_by_learn(name: str, payload: Any, check: Callable[[Any], bool]) -> None:
    platform = next(p for p in PLATFORMS if p.name == name)
    a = platform.adapter(Clock(time.time()))
    parsed = a.parse(a.verify(*platform.sign(json.dumps(payload).encode(), 0)))
    assert parsed.learned and not check(a)
    a.learn(parsed.learned)
    assert check(a)


@pytest.mark.parametrize("name", ["feishu", "ding", "wecom"])
def test_a_verified_credential_is_a_durable_fact_of_its_delivery(name: str) -> None:
    platform = next(p for p in PLATFORMS if p.name == name)
    a = platform.adapter(Clock(time.time()))
    parsed = a.parse(a.verify(*platform.sign(plains(platform)[0], 0)))
    assert [f.durable for f in parsed.learned if f.key.startswith("replay:")] == [True]


# -- through the runtime: saved once accepted, back after a restart ------------------------------------
SECRET = "tg-secret"


def telegram_app(tmp_path: Path) -> web.Application:
    cfg = make_config(tmp_path, {"tg": {"type": "telegram", "token": "1:tok", "secret_token": SECRET,
                                        "api_base": DEAD, "bot_username": "demo_bot"}})
    return create_app(cfg, schedule=False)


async def post(client: Client, payload: Any) -> int:
    resp = await client.post("/webhook/tg", data=json.dumps(payload).encode(),
                             headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
    return resp.status


async def stored(client: Client) -> dict[str, str]:
    return await client.app[RUNTIME].repo.delivery.adapter_state("tg")


async def test_learned_facts_are_saved_and_survive_a_restart(
        tmp_path: Path, aiohttp_client: Callable[[web.Application], Awaitable[Client]]) -> None:
    alice = UserRef("tg", "111111111")
    client = await aiohttp_client(telegram_app(tmp_path))
    assert await post(client, fixture("telegram", "private_start")["payload"]) == 200
    assert await post(client, fixture("telegram", "group_text")["payload"]) == 200  # teaches a username
    keys = set(await stored(client))
    assert "dm:111111111" in keys and not any(k.startswith("user:") for k in keys)  # caches stay in memory
    await client.close()

    again = await aiohttp_client(telegram_app(tmp_path))
    assert again.app[RUNTIME].adapters["tg"].can_dm(alice)


async def test_a_delivery_that_is_not_accepted_teaches_nothing(
        tmp_path: Path, aiohttp_client: Callable[[web.Application], Awaitable[Client]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    client = await aiohttp_client(telegram_app(tmp_path))
    rt = client.app[RUNTIME]
    request = copy.deepcopy(fixture("gate", "telegram_chat_join_request")["payload"])
    request["chat_join_request"]["date"] = int(time.time())
    real = rt.inbox.accept

    async def broken(*args: Any) -> bool:
        raise OSError("disk full")

    monkeypatch.setattr(rt.inbox, "accept", broken)
    assert await post(client, request) == 500  # not acknowledged: the platform delivers it again
    assert rt.adapters["tg"].state.applicants == {} and await stored(client) == {}
    monkeypatch.setattr(rt.inbox, "accept", real)
    assert await post(client, request) == 200
    user = str(request["chat_join_request"]["from"]["id"])
    assert user in rt.adapters["tg"].state.applicants and f"ap:{user}" in await stored(client)
