"""Private survey answers on platforms that deliver private messages (OneBot, Telegram): a private command
becomes a Message whose chat is the person; other private text stays DM consent only."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.adapters.telegram.parse import UpdateParser
from bot.adapters.telegram.state import TelegramState
from bot.core.events import Message
from bot.faces.demo.receiver import start_site
from bot.faces.server import create_app
from tests.adapters._helpers import FakeOneBot, auth, make_config
from tests.adapters.test_onebot_e2e import NOW, SECRET, Client, group_msg, post, settle

GROUP = "qq:987654"
QUICK = {"id": "quick", "title": "快问", "questions": [
    {"id": "q", "text": "常来吗？", "kind": "single", "options": ["常来", "偶尔"], "attribute": "频率"}]}


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
                                        "api_base": fake[1]}}, surveys=[QUICK])
    return await aiohttp_client(create_app(cfg, schedule=False))


def private_msg(mid: int, text: str, user: int = 20002) -> dict[str, Any]:
    return {"time": NOW + mid % 1000, "self_id": 10001, "post_type": "message", "message_type": "private",
            "sub_type": "friend", "message_id": mid, "user_id": user, "message": text, "raw_message": text,
            "font": 0, "sender": {"user_id": user, "nickname": "Nick"}}


async def test_a_survey_posted_in_a_qq_group_is_answered_privately(client: Client, fake: tuple[FakeOneBot, str]):
    server, _ = fake
    await post(client, group_msg(701, "大家好"))
    await post(client, group_msg(702, "/survey start quick", user=20009, role="admin"))
    await settle(client)
    await post(client, private_msg(703, "随便聊聊"))  # not a command: DM consent only
    await post(client, private_msg(704, "/answer quick 1=2"))
    await settle(client)
    resp = await client.get(f"/api/groups/{GROUP}/members/qq:20002", headers=auth())
    body = await resp.json()
    assert body["attributes"]["频率"]["value"] == "偶尔" and body["stats"]["messages"] == 1
    privately = [p for action, p in server.sent if action == "send_private_msg"]
    assert len(privately) == 1 and privately[0]["user_id"] == 20002
    assert "已记录 1 题" in json.dumps(privately[0]["message"], ensure_ascii=False)


def test_telegram_private_commands_become_events_but_start_and_chatter_do_not() -> None:
    parser = UpdateParser("telegram", TelegramState())

    def private(uid: int, text: str) -> dict[str, Any]:
        return {"update_id": uid, "message": {"message_id": uid, "date": 1767225600, "text": text,
                                              "chat": {"id": 42, "type": "private"},
                                              "from": {"id": 42, "is_bot": False, "first_name": "Bob"}}}
    [ev] = parser.parse(private(1, "/answer quick 1=2")).events
    assert isinstance(ev, Message) and ev.is_private and ev.user.id == "telegram:42"
    assert parser.parse(private(2, "/start")).ignored == "private"
    assert parser.parse(private(3, "/start@demo_bot abc")).ignored == "private"
    assert parser.parse(private(4, "hello")).ignored == "private"
