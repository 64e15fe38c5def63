"""Helpers for the Feishu / DingTalk / WeCom adapter tests: a scriptable fake platform API on loopback,
fixture loading and request builders that do exactly what each platform does."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bot.adapters.dingtalk import sign as dingtalk_sign
from bot.adapters.feishu import crypto as feishu_crypto
from bot.adapters.wecom.crypto import WeComCrypto, signature
from bot.core.adapter import AdapterDeps, Parsed
from bot.core.events import event_to_dict
from bot.faces.demo.receiver import start_site

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# platforms.md §7 values
FEISHU_KEY = "test_encrypt_key"
FEISHU_TOKEN = "vt-abc"
DINGTALK_SECRET = "test-app-secret"
WECOM_TOKEN = "QDG6eK"
WECOM_AES = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
WECOM_CORP = "wx5823bf96d3bd56c7"


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def fixture_bytes(platform: str, name: str) -> bytes:
    return (FIXTURES / platform / name).read_bytes()


def expected(platform: str, name: str) -> dict[str, Any]:
    stem = name.rsplit(".", 1)[0]
    data: dict[str, Any] = json.loads((FIXTURES / platform / f"{stem}.expected.json").read_text("utf-8"))
    return data


def normalized(parsed: Parsed) -> dict[str, Any]:
    """Parsed → the shape of the ``*.expected.json`` files."""
    return {"key": parsed.key, "ignored": parsed.ignored,
            "events": [event_to_dict(e) for e in parsed.events]}


# -- request builders -------------------------------------------------------------------------------
def feishu_request(payload: dict[str, Any], *, encrypt_key: str = FEISHU_KEY, ts: str = "1767225600",
                   nonce: str = "n0nce") -> tuple[dict[str, str], bytes]:
    """An encrypted, signed Feishu callback (headers, raw body)."""
    enc = feishu_crypto.encrypt(encrypt_key, json.dumps(payload).encode())
    body = json.dumps({"encrypt": enc}, separators=(",", ":")).encode()
    headers = {"X-Lark-Request-Timestamp": ts, "X-Lark-Request-Nonce": nonce,
               "X-Lark-Signature": feishu_crypto.signature(ts, nonce, encrypt_key, body),
               "Content-Type": "application/json"}
    return headers, body


def dingtalk_headers(ts_ms: int, secret: str = DINGTALK_SECRET) -> dict[str, str]:
    return {"timestamp": str(ts_ms), "sign": dingtalk_sign(secret, str(ts_ms)),
            "Content-Type": "application/json; charset=utf-8"}


def wecom_app_request(plain: bytes, *, ts: str = "1767225600", nonce: str = "1372623149",
                      corp_id: str = WECOM_CORP) -> tuple[dict[str, str], bytes]:
    c = WeComCrypto(WECOM_TOKEN, WECOM_AES, corp_id)
    enc = c.encrypt(plain)
    body = (f"<xml><ToUserName><![CDATA[{corp_id}]]></ToUserName><AgentID><![CDATA[1000002]]></AgentID>"
            f"<Encrypt><![CDATA[{enc}]]></Encrypt></xml>").encode()
    return {"msg_signature": signature(WECOM_TOKEN, ts, nonce, enc), "timestamp": ts, "nonce": nonce}, body


def wecom_aibot_request(plain: bytes, *, ts: str = "1767225600", nonce: str = "n1") -> tuple[dict[str, str], bytes]:
    enc = WeComCrypto(WECOM_TOKEN, WECOM_AES, "").encrypt(plain)
    return ({"msg_signature": signature(WECOM_TOKEN, ts, nonce, enc), "timestamp": ts, "nonce": nonce},
            json.dumps({"encrypt": enc}).encode())


# -- the fake platform API ----------------------------------------------------------------------------
@dataclass
class Call:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass
class FakeAPI:
    """Answers every path from ``scripts[path]`` (a queue of (status, json, headers)), else ``defaults``."""

    defaults: dict[str, tuple[int, Any]] = field(default_factory=dict)
    scripts: dict[str, list[tuple[int, Any, dict[str, str]]]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    base: str = ""
    runner: web.AppRunner | None = None

    def queue(self, path: str, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        self.scripts.setdefault(path, []).append((status, body, headers or {}))

    def to(self, path: str) -> list[Call]:
        return [c for c in self.calls if c.path == path]

    async def handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else None
        except json.JSONDecodeError:
            body = raw.decode()
        self.calls.append(Call(request.method, request.path, dict(request.query), dict(request.headers), body))
        queued = self.scripts.get(request.path)
        if queued:
            status, payload, headers = queued.pop(0)
        else:
            status, payload = self.defaults.get(request.path, (404, {"error": "no such path"}))
            headers = {}
        return web.json_response(payload, status=status, headers=headers)

    async def start(self) -> FakeAPI:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        self.runner, self.base = await start_site(app)
        return self

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


async def deps_with(session: aiohttp.ClientSession, clock: Clock,
                    groups: dict[str, dict[str, Any]] | None = None) -> AdapterDeps:
    return AdapterDeps(session=session, clock=clock, groups=groups or {})


# -- end to end through create_app --------------------------------------------------------------------
API_TOKEN = "api-secret"


def e2e_config(tmp_path: Path, adapters: dict[str, Any], groups: list[dict[str, Any]] | None = None) -> Any:
    from bot.faces.settings import parse

    return parse({"server": {"api_token": API_TOKEN}, "storage": {"url": f"sqlite:///{tmp_path}/t.db"},
                  "tagging": {"min_score": 0.5},
                  "tags": [{"name": "红酒", "keywords": ["红酒", "赤霞珠", "干红"]}],
                  "adapters": adapters, "groups": groups or []}, tmp_path, env={})


async def settle(client: Any) -> None:
    """Wait until everything accepted is processed and every due reply was sent."""
    from bot.faces.appkeys import RUNTIME

    rt = client.app[RUNTIME]
    await rt.inbox.drained()
    assert await rt.outbox.drained(timeout=10)


async def member(client: Any, group: str, who: str) -> tuple[int, Any]:
    from urllib.parse import quote

    resp = await client.get(f"/api/groups/{quote(group, safe='')}/members/{quote(who, safe='')}",
                            headers={"Authorization": f"Bearer {API_TOKEN}"})
    return resp.status, await resp.json()


async def groups(client: Any) -> Any:
    resp = await client.get("/api/groups", headers={"Authorization": f"Bearer {API_TOKEN}"})
    return await resp.json()
