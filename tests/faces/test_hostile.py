"""Hostile input: fuzzed bodies, deep JSON, invalid UTF-8, slow bodies and overload — only 2xx/4xx."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.adapters.generic import GenericAdapter, parse_event
from bot.core.adapter import AdapterDeps, WebhookRejected
from bot.faces.webhook import IN_FLIGHT, InFlight
from tests.conftest import message

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20)

event_like = st.fixed_dictionaries({
    "id": st.one_of(st.text(max_size=20), st.integers(), st.none()),
    "type": st.sampled_from(["message", "member_joined", "member_left", "x"]),
    "time": st.one_of(st.integers(-10, 2**40), st.floats(allow_nan=True), st.text(max_size=5)),
    "group": st.one_of(st.fixed_dictionaries({"id": st.text(max_size=10)}), json_values),
    "user": st.one_of(st.fixed_dictionaries({"id": st.text(max_size=10), "name": st.text(max_size=10)}), json_values),
    "text": st.one_of(st.text(max_size=50), json_values),
    "mentions": json_values,
})


@given(st.binary(max_size=300))
def test_parse_random_bytes_never_crashes(body: bytes) -> None:
    adapter = GenericAdapter("generic", {"secret": "s"}, AdapterDeps(session=None))
    try:
        adapter.parse(body)
    except WebhookRejected as rej:
        assert rej.status == 400


@given(event_like)
def test_parse_event_accepts_or_rejects_cleanly(payload: dict) -> None:
    try:
        ev = parse_event("generic", payload)
    except WebhookRejected as rej:
        assert rej.status == 400
    else:
        assert ev.chat.chat_id and ev.user.user_id


@given(st.dictionaries(st.text(max_size=30), st.text(max_size=100), max_size=5), st.binary(max_size=200))
def test_verify_rejects_anything_unsigned(headers: dict, body: bytes) -> None:
    adapter = GenericAdapter("generic", {"secret": "s"}, AdapterDeps(session=None))
    with pytest.raises(WebhookRejected) as err:
        adapter.verify(headers, {}, body)
    assert err.value.status == 401


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(st.binary(max_size=200), event_like.map(lambda d: json.dumps(d).encode())))
async def test_webhook_answers_fuzz_with_2xx_or_4xx(make_bot, body: bytes) -> None:
    bot = await make_bot()
    try:
        r = await bot.post(body)
        assert r.status in (200, 400), r.status
    finally:
        await bot.client.close()


async def test_nasty_bodies_and_no_partial_rows(make_bot):
    bot = await make_bot()
    now = time.time()
    deep = b"[" * 100000 + b"]" * 100000
    bodies = [deep, b'{"id": "\x00"}', "\ud800".encode("utf-8", "surrogatepass"),
              json.dumps(message("n1", "u-1", "x" * 500000, now)).encode(),
              json.dumps(message("n2", "u-2", "[CQ:at,qq=all]<b>&amp;\x00", now)).encode()]
    statuses = [(await bot.post(b)).status for b in bodies]
    assert statuses[:3] == [400, 400, 400] and statuses[3:] == [200, 200]
    await bot.settle()
    _, p = await bot.profile("generic:u-2")
    assert p["stats"]["messages"] == 1
    _, groups = await bot.api("/api/groups")
    assert groups[0]["members"] == 2
    assert (await bot.client.get("/healthz")).status == 200


async def test_a_slow_body_holds_no_slot_and_overload_answers_503(make_bot):
    bot = await make_bot(server={"max_in_flight": 1, "request_timeout_s": 1.0})
    release = asyncio.Event()

    async def slow():
        yield b'{"id": "s1", '
        await release.wait()
        yield b'"type": "message"}'

    first = asyncio.create_task(bot.client.post("/webhook/generic", data=slow(),
                                                headers={"X-Quntag-Timestamp": "1", "X-Quntag-Signature": "v1=0"}))
    await asyncio.sleep(0.2)
    assert (await bot.post(message("m1", "u-1", "hi", time.time()))).status == 200  # the one slot was free
    r1 = await first
    assert r1.status == 408  # the slow body timed out
    release.set()
    slots = bot.client.server.app[IN_FLIGHT]
    assert await slots.acquire(0.0)  # the server is busy with verified work
    try:
        r = await bot.post(message("m2", "u-1", "hi", time.time()))
        assert r.status == 503 and r.headers["Retry-After"] == "1"
    finally:
        slots.release()
    assert (await bot.post(message("m2", "u-1", "hi", time.time()))).status == 200
    metrics = await (await bot.client.get("/metrics")).text()
    assert 'quntag_events_rejected_total{adapter="generic",reason="overloaded"} 1.0' in metrics


async def test_non_retrying_platforms_wait_for_a_slot():
    slots = InFlight(1)
    assert await slots.acquire(0.0)
    assert not await slots.acquire(0.0)
    waiter = asyncio.create_task(slots.acquire(1.0))
    await asyncio.sleep(0.05)
    slots.release()
    assert await waiter
    assert not await slots.acquire(0.05)


async def test_a_body_arriving_in_chunks_is_read_whole(make_bot):
    bot = await make_bot()
    from tests.conftest import signed

    body, headers = signed(message("chunked", "u-1", "红酒" * 1000, time.time()))

    async def chunks():
        for i in range(0, len(body), 1000):
            yield body[i:i + 1000]
            await asyncio.sleep(0.01)

    r = await bot.client.post("/webhook/generic", data=chunks(), headers=headers)
    assert r.status == 200
