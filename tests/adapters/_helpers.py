"""Shared helpers for the adapter tests: fixtures on disk, fake platform APIs, test configs."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.core.adapter import Adapter, Parsed
from bot.core.config import Config
from bot.faces.settings import parse

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TG_TOKEN = "123456:TEST-token"
API_TOKEN = "test-api-token"


def fixtures(platform: str) -> list[tuple[str, dict[str, Any]]]:
    """(name, record) for every recorded JSON body ``tests/fixtures/<platform>/<name>.json``."""
    return [(p.stem, fixture(platform, p.stem)) for p in sorted((FIXTURES / platform).glob("*.json"))
            if not p.name.endswith(".expected.json")]


def fixture(platform: str, name: str) -> dict[str, Any]:
    """One recorded case in the one fixture format: the body as the platform sent it (``<name>.json``) and what
    we expect of it (``<name>.expected.json``: ``key``, ``ignored``, ``events`` — or one ``event`` — plus
    notes such as ``sdk_model``). Returned as the expectations with ``payload`` (the parsed body) and
    ``expected`` (the events) added."""
    folder = FIXTURES / platform
    rec: dict[str, Any] = json.loads((folder / f"{name}.expected.json").read_text(encoding="utf-8"))
    rec["payload"] = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
    rec["expected"] = rec["events"] if "events" in rec else rec["event"]
    return rec


class FakeTelegram:
    """A loopback Bot API: ``POST /bot<token>/<method>``; records accepted ``sendMessage`` calls.

    ``fail`` is a queue of (status, body) answers given to ``sendMessage`` before accepting; each entry
    may name the ``chat_id`` it applies to (``"chat"`` key) so migrations can fail only the old id.
    Join decisions (``approveChatJoinRequest`` / ``declineChatJoinRequest``) are recorded in
    ``decisions`` as (method, params) and answered from ``decide_fail`` first.
    """

    def __init__(self, token: str = TG_TOKEN, me: Mapping[str, Any] | None = None) -> None:
        self.token = token
        self.me = dict(me or {"id": 222222222, "is_bot": True, "first_name": "Demo", "username": "demo_bot",
                              "can_join_groups": True, "can_read_all_group_messages": False,
                              "supports_inline_queries": False})
        self.sent: list[dict[str, Any]] = []
        self.attempts: list[dict[str, Any]] = []
        self.fail: list[tuple[int, dict[str, Any], Any]] = []
        self.moved: dict[str, int] = {}  # chat id → the supergroup id it migrated to
        self.decisions: list[tuple[str, dict[str, Any]]] = []
        self.decide_attempts = 0
        self.decide_fail: list[tuple[int, dict[str, Any]]] = []
        self.actions: list[tuple[str, dict[str, Any]]] = []  # moderation calls and press answers, in order

    async def handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params = await request.json()
        if method == "getMe":
            return web.json_response({"ok": True, "result": self.me})
        if method in ("approveChatJoinRequest", "declineChatJoinRequest"):
            self.decide_attempts += 1
            if str(params.get("chat_id")) in self.moved:
                return web.json_response({"ok": False, "error_code": 400,
                                          "description": "Bad Request: group chat was upgraded to a supergroup chat",
                                          "parameters": {"migrate_to_chat_id": self.moved[str(params["chat_id"])]}},
                                         status=400)
            if self.decide_fail:
                status, body = self.decide_fail.pop(0)
                return web.json_response(body, status=status)
            self.decisions.append((method, params))
            return web.json_response({"ok": True, "result": True})
        if method in ("deleteMessage", "restrictChatMember", "banChatMember", "unbanChatMember",
                      "answerCallbackQuery"):
            self.actions.append((method, params))
            return web.json_response({"ok": True, "result": True})
        if method != "sendMessage":
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        self.attempts.append(params)
        chat = str(params.get("chat_id"))
        if chat in self.moved:
            return web.json_response({"ok": False, "error_code": 400,
                                      "description": "Bad Request: group chat was upgraded to a supergroup chat",
                                      "parameters": {"migrate_to_chat_id": self.moved[chat]}}, status=400)
        if self.fail:
            status, body, _ = self.fail.pop(0)
            return web.json_response(body, status=status)
        self.sent.append(params)
        return web.json_response({"ok": True, "result": {"message_id": 1000 + len(self.sent), "date": 0,
                                                         "chat": {"id": params["chat_id"], "type": "supergroup"}}})

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self.handle)
        return app


class FakeOneBot:
    """A loopback OneBot v11 HTTP API (``/send_group_msg``, ``/send_private_msg``,
    ``/set_group_add_request``, ``/delete_msg``, ``/set_group_ban``, ``/set_group_kick``) checking the Bearer token."""

    def __init__(self, access_token: str = "ob-token") -> None:
        self.access_token = access_token
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.attempts = 0
        self.fail: list[tuple[int, Any]] = []

    async def handle(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.access_token}":
            return web.Response(status=401 if "Authorization" not in request.headers else 403)
        action = request.match_info["action"]
        if action not in ("send_group_msg", "send_private_msg", "set_group_add_request", "delete_msg", "set_group_ban",
                          "set_group_kick"):
            return web.Response(status=404)
        body = await request.json()
        self.attempts += 1
        if self.fail:
            status, answer = self.fail.pop(0)
            return web.json_response(answer, status=status)
        self.sent.append((action, body))
        if action != "send_group_msg" and action != "send_private_msg":
            return web.json_response({"status": "ok", "retcode": 0, "data": None})
        return web.json_response({"status": "ok", "retcode": 0, "data": {"message_id": 7000 + len(self.sent)}})

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/{action}", self.handle)
        return app


def make_config(tmp_path: Path, adapters: Mapping[str, Any], **extra: Any) -> Config:
    data: dict[str, Any] = {
        "server": {"api_token": API_TOKEN},
        "storage": {"url": f"sqlite:///{tmp_path}/t.db"},
        "tags": [{"name": "红酒", "category": "interest", "keywords": ["红酒", "葡萄酒", "赤霞珠"]},
                 {"name": "摄影", "category": "interest", "keywords": ["摄影", "相机"]}],
        "tagging": {"min_score": 0.5},
        "adapters": dict(adapters),
    }
    data.update(extra)
    return parse(data, tmp_path, env={})


def auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {API_TOKEN}"}


def parse_and_learn(adapter: Adapter, body: bytes) -> Parsed:
    """``adapter.parse(body)``, then what the runtime does once the delivery is accepted: hand back what
    it learned (these tests run no StateStore)."""
    parsed = adapter.parse(body)
    adapter.learn(parsed.learned)
    return parsed
