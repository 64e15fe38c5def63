"""Credentials never reach a log line or a stored outbox error (issue 11, finding 4).

Through the real app: a Telegram Bot API that answers with a redirect loop, a redirect to a broken
URL, or a dropped connection. aiohttp quotes the URL — with the bot token in its path — in its
errors; neither the captured logs nor the stored outbox row may contain the token afterwards.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.core.redact import redact
from bot.faces.server import create_app
from tests.adapters._helpers import TG_TOKEN, make_config

SECRET = "tg-secret"


def broken_bot_api(mode: str) -> web.Application:
    async def handle(request: web.Request) -> web.StreamResponse:
        if mode == "loop":
            raise web.HTTPFound(location=str(request.url))
        if mode == "bad_redirect":
            return web.Response(status=302, headers={"Location": f"http://[broken/bot{TG_TOKEN}/sendMessage"})
        assert request.transport is not None
        request.transport.close()  # the connection drops mid-request
        await asyncio.sleep(1)
        return web.Response()

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    return app


async def start_quietly(app: web.Application) -> tuple[web.AppRunner, str]:
    """Serve the fake platform without an access log: its own request lines are not ours to judge."""
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}"


def _rows(db: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT * FROM outbox").fetchall()


@pytest.mark.parametrize("mode", ["loop", "bad_redirect", "disconnect"])
async def test_bot_token_is_in_no_log_line_and_no_outbox_row(mode: str, tmp_path: Path, caplog: Any,
                                                             aiohttp_client: Callable[..., Awaitable[Any]]) -> None:
    caplog.set_level(logging.DEBUG)
    runner, base = await start_quietly(broken_bot_api(mode))
    try:
        cfg = make_config(tmp_path, {"telegram": {"token": TG_TOKEN, "secret_token": SECRET, "api_base": base,
                                                  "bot_username": "demo_bot"}})
        client = await aiohttp_client(create_app(cfg, schedule=False))  # start(): getMe fails too
        update = {"update_id": 1, "message": {
            "message_id": 1, "date": int(time.time()), "text": "/help",
            "chat": {"id": -1001234567890, "type": "supergroup", "title": "Demo Group"},
            "from": {"id": 111111111, "is_bot": False, "first_name": "Alice"}}}
        resp = await client.post("/webhook/telegram", data=json.dumps(update).encode(),
                                 headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
        assert resp.status == 200
        db = tmp_path / "t.db"
        for _ in range(200):  # the reply is queued, tried, and parked with its error
            rows = _rows(db)
            if rows and all(r[-1] for r in rows):
                break
            await asyncio.sleep(0.05)
        await client.close()
    finally:
        await runner.cleanup()
    assert rows and all(r[-1] for r in rows)
    assert "send failed" in caplog.text and "getMe failed" in caplog.text
    secret_part = TG_TOKEN.split(":")[1]
    assert secret_part not in caplog.text
    assert not [r for r in rows if any(secret_part in str(v) for v in r)]
    if mode != "disconnect":  # the URL itself was quoted: it shows, without the token
        assert "bot<redacted>" in caplog.text


@pytest.mark.parametrize(("text", "secret"), [
    (f"url='https://api.telegram.org/bot{TG_TOKEN}/sendMessage'", "TEST-token"),
    ("POST https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4", "693a91f6"),
    ("https://qyapi.weixin.qq.com/cgi-bin/appchat/send?access_token=AT-123456", "AT-123456"),
    ("https://oapi.dingtalk.com/robot/sendBySession?session=c5f1d6e2", "c5f1d6e2"),
    ("https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RC-99887", "RC-99887"),
    ("http://127.0.0.1:3000/send_group_msg?access_token=ob-token-1", "ob-token-1"),
    ("headers={'Authorization': 'Bearer t-7f1bcd13fc57'}", "t-7f1bcd13fc57"),
    ("x-acs-dingtalk-access-token: at-abcdef", "at-abcdef"),
])
def test_every_platform_credential_shape_is_redacted(text: str, secret: str) -> None:
    assert secret not in redact(text) and "<redacted>" in redact(text)


def test_configured_secrets_are_redacted_verbatim() -> None:
    assert redact("failed at http://bridge.local/p/s3cr3t-value/x", ["s3cr3t-value"]) == \
        "failed at http://bridge.local/p/<redacted>/x"
