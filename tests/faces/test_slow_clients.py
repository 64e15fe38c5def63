"""Slow, idle or unauthenticated clients cannot delay or drop a real delivery (a real server on loopback).

Idle connections that announce a body and never send it hold no in-flight slot; headers and bodies have
deadlines; one client address holds at most ``max_connections_per_client`` connections.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.core.config import ConfigError
from bot.faces.listener import listen
from bot.faces.server import create_app
from tests.adapters._fuzz_platforms import FIXTURES, PLATFORMS
from tests.conftest import make_config

ONEBOT = next(p for p in PLATFORMS if p.type == "onebot")
ATTACKER = "127.0.0.2"  # the whole 127/8 is loopback on Linux: a second client address


class Served:
    def __init__(self, port: int) -> None:
        self.port = port
        self.base = f"http://127.0.0.1:{port}"

    async def metric(self, line: str) -> float:
        async with aiohttp.ClientSession() as http, http.get(f"{self.base}/metrics") as r:
            text = await r.text()
        return next((float(row.rsplit(" ", 1)[1]) for row in text.splitlines() if row.startswith(line + " ")), 0.0)

    async def open(self, head: bytes, source: str = ATTACKER) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port, local_addr=(source, 0))
        writer.write(head)
        await writer.drain()
        return reader, writer


@pytest.fixture
async def cleanup_runners() -> AsyncIterator[list[Any]]:
    runners: list[Any] = []
    yield runners
    for runner in runners:
        await runner.cleanup()


async def start(tmp_path: Path, runners: list[Any], **server: Any) -> Served:
    cfg = make_config(tmp_path, server=server, adapters=ONEBOT.config())
    runner, port = await listen(create_app(cfg, schedule=False), "127.0.0.1", 0)
    runners.append(runner)
    return Served(port)


def onebot_delivery(message_id: int) -> tuple[dict[str, str], bytes]:
    payload = json.loads((FIXTURES / "onebot" / "group_array.json").read_text("utf-8"))  # the body as sent
    payload["message_id"] = message_id
    headers, _query, body = ONEBOT.sign(json.dumps(payload, ensure_ascii=False).encode(), message_id)
    return {**headers, "Content-Type": "application/json"}, body


ANNOUNCED = (b"POST /webhook/qq HTTP/1.1\r\nHost: quntag\r\nContent-Type: application/json\r\n"
             b"X-Signature: sha1=0000\r\nContent-Length: 4096\r\n\r\n")


async def test_idle_bodies_neither_delay_nor_drop_a_onebot_delivery(tmp_path, cleanup_runners):
    # Four slots and a short wait for one: before, four idle bodies held every slot for a minute and the
    # real delivery (OneBot never retries) was dropped with a 503 after half a second.
    served = await start(tmp_path, cleanup_runners, max_in_flight=4, overload_wait_s=0.5, request_timeout_s=60,
                         max_connections_per_client=64)
    idle = [await served.open(ANNOUNCED) for _ in range(100)]
    await asyncio.sleep(0.3)  # let the server read every announced header
    headers, body = onebot_delivery(424242)
    async with aiohttp.ClientSession() as http, http.post(f"{served.base}/webhook/qq", data=body,
                                                          headers=headers) as r:
        assert r.status == 204
    assert await served.metric('quntag_events_accepted_total{adapter="qq"}') == 1
    assert await served.metric('quntag_events_dropped_total{adapter="qq"}') == 0
    assert await served.metric("quntag_connections_refused_total") == 36  # 100 from one address, 64 kept
    assert (await asyncio.wait_for(idle[-1][0].readline(), 10)).startswith(b"HTTP/1.1 503")  # over the cap
    for _r, w in idle:
        w.close()


async def test_slow_headers_are_closed_and_free_the_clients_connections(tmp_path, cleanup_runners):
    served = await start(tmp_path, cleanup_runners, idle_timeout_s=0.3, max_connections_per_client=2)
    slow = [await served.open(b"POST /webhook/qq HTTP/1.1\r\nHost: quntag\r\n"), await served.open(b"")]
    third_reader, third = await served.open(b"GET /metrics HTTP/1.1\r\nHost: quntag\r\n\r\n")
    assert (await asyncio.wait_for(third_reader.readline(), 10)).startswith(b"HTTP/1.1 503")  # over the cap
    third.close()
    for reader, writer in slow:  # headers never completed: the server hangs up
        assert await asyncio.wait_for(reader.read(), 10) == b""
        writer.close()
    reader, writer = await served.open(b"GET /metrics HTTP/1.1\r\nHost: quntag\r\n\r\n")
    assert (await asyncio.wait_for(reader.readline(), 10)).startswith(b"HTTP/1.1 200")
    writer.close()


async def test_a_slow_body_is_answered_408(tmp_path, cleanup_runners):
    served = await start(tmp_path, cleanup_runners, request_timeout_s=0.3)
    reader, writer = await served.open(ANNOUNCED + b"{")
    assert (await asyncio.wait_for(reader.readline(), 10)).startswith(b"HTTP/1.1 408")
    writer.close()
    assert await served.metric('quntag_events_rejected_total{adapter="qq",reason="timeout"}') == 1


@pytest.mark.parametrize(("key", "value"), [("idle_timeout_s", 0), ("max_connections_per_client", -1),
                                            ("max_connections_per_client", "64")])
def test_bad_client_limits_name_the_key(tmp_path, key, value):
    with pytest.raises(ConfigError, match=rf"^server\.{key}: "):
        make_config(tmp_path, server={key: value})
