"""A Telegram reaction after a bot post counts as a response: webhook → inbox → observer → measurement."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import pytest

from bot.domain import pushes
from bot.faces.appkeys import RUNTIME
from bot.faces.demo.receiver import start_site
from bot.faces.server import create_app
from tests.adapters._helpers import TG_TOKEN, FakeTelegram, make_config

SECRET = "tg-secret"
GROUP = "telegram:-1001234567890"
CHAT = {"id": -1001234567890, "type": "supergroup", "title": "Demo Group"}
POST_AT = float(int(time.time()) - 3 * 3600)  # the bot posted three hours ago: its window has closed


@pytest.fixture
async def client(tmp_path: Path, aiohttp_client: Any) -> Any:
    server = FakeTelegram()
    runner, url = await start_site(server.app())
    cfg = make_config(tmp_path, {"telegram": {"token": TG_TOKEN, "secret_token": SECRET, "api_base": url,
                                              "bot_username": "demo_bot"}})
    yield await aiohttp_client(create_app(cfg, schedule=False))
    await runner.cleanup()


async def _post(client: Any, payload: dict[str, Any]) -> int:
    resp = await client.post("/webhook/telegram", data=json.dumps(payload).encode(), headers={
        "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET})
    return resp.status


def _said(uid: int, user: int, at: float) -> dict[str, Any]:
    return {"update_id": uid, "message": {"message_id": uid, "date": int(at), "text": "早", "chat": CHAT,
                                          "from": {"id": user, "is_bot": False, "first_name": f"U{user}"}}}


def _reacted(uid: int, user: int | None, at: float, emoji: list[dict[str, str]]) -> dict[str, Any]:
    upd: dict[str, Any] = {"chat": CHAT, "message_id": 500, "date": int(at), "old_reaction": [],
                           "new_reaction": emoji}
    if user is not None:
        upd["user"] = {"id": user, "is_bot": False, "first_name": f"U{user}"}
    else:
        upd["actor_chat"] = CHAT
    return {"update_id": uid, "message_reaction": upd}


async def test_a_reaction_within_two_hours_counts_as_a_response(client: Any) -> None:
    rt = client.app[RUNTIME]
    for i, user in enumerate((1, 2, 3, 4)):
        assert await _post(client, _said(100 + i, user, POST_AT - 3600)) == 200
    await asyncio.wait_for(rt.inbox.drained(), 10)
    await pushes.record(rt.repo, GROUP, "broadcast", POST_AT, "Asia/Shanghai")
    thumbs = [{"type": "emoji", "emoji": "👍"}]
    assert await _post(client, _reacted(200, 1, POST_AT + 600, thumbs)) == 200   # counts
    assert await _post(client, _reacted(201, 2, POST_AT + 600, [])) == 200       # taken back: nobody
    assert await _post(client, _reacted(202, None, POST_AT + 600, thumbs)) == 200  # anonymous admin
    assert await _post(client, _reacted(203, 3, POST_AT + 2.5 * 3600, thumbs)) == 200  # too late
    assert await _post(client, {"update_id": 204, "message_reaction": {"chat": CHAT}}) == 400
    await asyncio.wait_for(rt.inbox.drained(), 10)
    assert await pushes.finalize(rt.repo, GROUP, time.time()) == 1
    [post] = await rt.repo.pushes.posts(GROUP, 0.0)
    assert (post[4], post[5], post[6]) == (4, 1, 0.25)
