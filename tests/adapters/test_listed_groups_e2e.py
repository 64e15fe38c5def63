"""``[server] only_listed_groups = true`` filters group events of unlisted groups, never a private chat:
a Telegram applicant's private gate answer still reaches the gate of the listed group they asked to join."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.faces.demo.receiver import start_site
from bot.faces.server import create_app
from tests.adapters._helpers import API_TOKEN, TG_TOKEN, FakeTelegram, auth, make_config
from tests.adapters.test_telegram_e2e import GATE, GROUP, SECRET, join_request, post, private, settle, update

Client = TestClient[Any, Any]
APPLICANT = 555555555


@pytest.fixture
async def listed_bot(tmp_path: Path, aiohttp_client: Callable[[web.Application], Awaitable[Client]]
                     ) -> AsyncIterator[tuple[Client, FakeTelegram]]:
    server = FakeTelegram()
    runner, url = await start_site(server.app())
    cfg = make_config(tmp_path, {"telegram": {"token": TG_TOKEN, "secret_token": SECRET, "api_base": url}},
                      server={"api_token": API_TOKEN, "only_listed_groups": True},
                      groups=[{"id": GROUP, "gate": GATE, "welcome": False}])
    yield await aiohttp_client(create_app(cfg, schedule=False)), server
    await runner.cleanup()


async def metric(client: Client, line: str) -> float:
    text = await (await client.get("/metrics")).text()
    found = [float(row.rsplit(" ", 1)[1]) for row in text.splitlines() if row.startswith(line + " ")]
    return found[0] if found else 0.0


async def test_a_private_gate_answer_passes_only_listed_groups(listed_bot: tuple[Client, FakeTelegram]) -> None:
    client, server = listed_bot
    now = time.time()
    assert (await post(client, join_request(APPLICANT, now)))[0] == 200
    await settle(client)
    assert [s["chat_id"] for s in server.sent] == [APPLICANT]  # the gate question, asked privately
    assert (await post(client, private(APPLICANT, "我是来品酒的", now + 30, mid=7)))[0] == 200
    await settle(client)
    assert server.decisions == [("approveChatJoinRequest", {"chat_id": -1001234567890, "user_id": APPLICANT})]
    assert await metric(client, 'quntag_events_accepted_total{adapter="telegram"}') == 2
    assert await metric(client, 'quntag_events_ignored_total{adapter="telegram",reason="unlisted_group"}') == 0


async def test_unlisted_groups_are_still_ignored(listed_bot: tuple[Client, FakeTelegram]) -> None:
    client, _server = listed_bot
    elsewhere = {"id": -1009999999999, "type": "supergroup", "title": "Other"}
    assert (await post(client, update(31, "红酒真好", chat=elsewhere)))[0] == 200
    await settle(client)
    assert await metric(client, 'quntag_events_ignored_total{adapter="telegram",reason="unlisted_group"}') == 1
    groups = await (await client.get("/api/groups", headers=auth())).json()
    assert groups == []
