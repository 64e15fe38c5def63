"""A client that goes away mid-body is routine on real networks: one INFO line and a metric, no ERROR and
no traceback; a broken body encoding is a plain 400."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from bot.faces.listener import listen
from bot.faces.server import create_app
from tests.conftest import make_config, message, signed

DISCONNECTED = 'quntag_events_rejected_total{adapter="generic",reason="client_disconnected"}'


async def counter(bot: Any, line: str) -> float:
    text = await (await bot.client.get("/metrics")).text()
    return next((float(r.rsplit(" ", 1)[1]) for r in text.splitlines() if r.startswith(line + " ")), 0.0)


def head(framing: str, headers: dict[str, str]) -> bytes:
    lines = ["POST /webhook/generic HTTP/1.1", "Host: quntag", framing, *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
async def test_a_client_leaving_mid_body_is_one_info_line_and_counted(make_bot, caplog, framing):
    caplog.set_level(logging.DEBUG)
    bot = await make_bot()
    body, headers = signed(message("half", "u-1", "红酒" * 200, 1767225600.0))
    half = body[: len(body) // 2]
    for _ in range(3):
        _reader, writer = await asyncio.open_connection("127.0.0.1", bot.client.server.port)
        if framing == "chunked":
            writer.write(head("Transfer-Encoding: chunked", headers) + f"{len(body):x}\r\n".encode() + half)
        else:
            writer.write(head(f"Content-Length: {len(body)}", headers) + half)
        await writer.drain()
        writer.close()
        await writer.wait_closed()
    for _ in range(200):  # the server notices the closed sockets asynchronously
        if await counter(bot, DISCONNECTED) == 3:
            break
        await asyncio.sleep(0.02)
    assert await counter(bot, DISCONNECTED) == 3
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info] == []
    gone = [r for r in caplog.records if r.name == "quntag.webhook" and "disconnected" in r.getMessage()]
    assert len(gone) == 3 and all(r.levelno == logging.INFO for r in gone)
    assert (await bot.post(message("after", "u-1", "hi", 1767225600.0))).status == 200


@pytest.mark.parametrize("junk", [b"zz\r\n", b"POST /x HTTP/1.1\r\n" + b"X-Long: " + b"a" * 20000 + b"\r\n\r\n"])
async def test_malformed_http_is_400_and_one_info_line(tmp_path, caplog, junk):
    caplog.set_level(logging.DEBUG)
    runner, port = await listen(create_app(make_config(tmp_path)), "127.0.0.1", 0)
    try:
        body, headers = signed(message("bad-chunks", "u-1", "hi", 1767225600.0))
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(head("Transfer-Encoding: chunked", headers) + junk + body + b"\r\n0\r\n\r\n")
        await writer.drain()
        status = await asyncio.wait_for(reader.readline(), 10)
        writer.close()
    finally:
        await runner.cleanup()
    assert status.split()[1] == b"400"
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info] == []
    assert [r.levelno for r in caplog.records if r.name == "quntag.http"] == [logging.INFO]
