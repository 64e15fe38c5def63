"""A single-question survey as a native Telegram poll, end to end: ``/survey start`` in the group →
``sendPoll`` (non-anonymous) on a fake Bot API → a ``poll_answer`` update sets the voter's attribute."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.adapters.telegram.parse import UpdateParser
from bot.adapters.telegram.state import TelegramState
from bot.core.events import PollAnswer, event_from_dict, event_to_dict
from bot.faces.demo.receiver import start_site
from bot.faces.server import create_app
from tests.adapters._helpers import TG_TOKEN, FakeTelegram, auth, make_config
from tests.adapters.test_telegram_e2e import SECRET, Client, post, settle, update

GROUP = "telegram:-1001234567890"
ADMIN = {"id": 111111111, "is_bot": False, "first_name": "Alice", "username": "alice"}
BOB = {"id": 333333333, "is_bot": False, "first_name": "Bob"}
WINE = {"id": "wine", "title": "口味调查", "reward_points": 3, "questions": [
    {"id": "kind", "text": "你最常喝哪种酒？", "kind": "single", "options": ["红葡萄酒", "白葡萄酒", "起泡酒"],
     "attribute": "常喝"}]}


class PollingTelegram(FakeTelegram):
    """The fake Bot API plus ``sendPoll``: records the call and names the poll ``poll-N``."""

    def __init__(self) -> None:
        super().__init__()
        self.polls: list[dict[str, Any]] = []

    async def handle(self, request: web.Request) -> web.Response:
        if request.match_info["method"] != "sendPoll":
            return await super().handle(request)
        params = await request.json()
        self.polls.append(params)
        n = len(self.polls)
        return web.json_response({"ok": True, "result": {
            "message_id": 5000 + n, "date": 0, "chat": {"id": params["chat_id"], "type": "supergroup"},
            "poll": {"id": f"poll-{n}", "question": params["question"], "total_voter_count": 0, "is_closed": False,
                     "is_anonymous": params["is_anonymous"], "type": "regular",
                     "allows_multiple_answers": params["allows_multiple_answers"],
                     "options": [{"text": o["text"], "voter_count": 0} for o in params["options"]]}}})


@pytest.fixture
async def fake() -> AsyncIterator[tuple[PollingTelegram, str]]:
    server = PollingTelegram()
    runner, url = await start_site(server.app())
    yield server, url
    await runner.cleanup()


@pytest.fixture
async def client(tmp_path: Path, fake: tuple[PollingTelegram, str],
                 aiohttp_client: Callable[[web.Application], Awaitable[Client]]) -> Client:
    cfg = make_config(tmp_path, {"telegram": {"token": TG_TOKEN, "secret_token": SECRET, "api_base": fake[1],
                                              "bot_username": "demo_bot"}},
                      surveys=[WINE], groups=[{"id": GROUP, "admins": ["telegram:111111111"]}])
    return await aiohttp_client(create_app(cfg, schedule=False))


def vote(update_id: int, poll_id: str, options: list[int], user: dict[str, Any] = BOB) -> dict[str, Any]:
    return {"update_id": update_id, "poll_answer": {"poll_id": poll_id, "user": user, "option_ids": options}}


async def attributes(client: Client, member: str) -> dict[str, Any]:
    resp = await client.get(f"/api/groups/{GROUP}/members/{member}", headers=auth())
    assert resp.status == 200
    body: dict[str, Any] = await resp.json()
    return dict(body.get("attributes", {}))


async def test_single_question_survey_goes_out_as_a_poll_and_votes_set_attributes(
        client: Client, fake: tuple[PollingTelegram, str]) -> None:
    server, _ = fake
    await post(client, update(910000001, "来聊聊酒", user=BOB))
    await post(client, update(910000002, "/survey start wine", user=ADMIN))
    await settle(client)
    [poll] = server.polls
    assert poll["chat_id"] == -1001234567890 and poll["question"] == "你最常喝哪种酒？"
    assert poll["options"] == [{"text": "红葡萄酒"}, {"text": "白葡萄酒"}, {"text": "起泡酒"}]
    assert poll["is_anonymous"] is False and poll["allows_multiple_answers"] is False
    assert any("投票" in m["text"] for m in server.sent)  # the intro says how to answer
    assert (await post(client, vote(910000003, "poll-1", [2])))[0] == 200
    await settle(client)
    got = await attributes(client, "telegram:333333333")
    assert got["常喝"]["value"] == "起泡酒" and got["常喝"]["source"] == "survey:wine"
    await post(client, vote(910000004, "poll-1", [0]))  # a changed vote replaces the answer
    await post(client, vote(910000005, "poll-1", []))  # a withdrawn vote leaves the last answer
    await settle(client)
    assert (await attributes(client, "telegram:333333333"))["常喝"]["value"] == "红葡萄酒"


async def test_votes_in_polls_that_are_not_ours_change_nothing(client: Client) -> None:
    await post(client, update(910000101, "来聊聊酒", user=BOB))
    assert (await post(client, vote(910000102, "someone-elses-poll", [1])))[0] == 200
    assert (await post(client, {"update_id": 910000103, "poll_answer": {"poll_id": "p", "option_ids": "x"}}))[0] == 400
    await settle(client)
    assert "常喝" not in await attributes(client, "telegram:333333333")


def test_poll_answer_parses_to_a_serializable_event() -> None:
    parser = UpdateParser("telegram", TelegramState(), now=1767225600.0)
    parsed = parser.parse(vote(1, "poll-9", [2, 0, 2]))
    [ev] = parsed.events
    assert isinstance(ev, PollAnswer)
    assert (ev.poll_id, ev.options, ev.user.id, ev.time) == ("poll-9", (0, 2), "telegram:333333333", 1767225600.0)
    assert event_from_dict(json.loads(json.dumps(event_to_dict(ev)))) == ev
    anonymous = {"update_id": 2, "poll_answer": {"poll_id": "poll-9", "voter_chat": {"id": -100, "type": "channel"},
                                                 "option_ids": [1]}}
    assert parser.parse(anonymous).ignored == "anonymous"
