"""Hostile input through the real app (issue 7): for every adapter type, fuzzed but correctly
signed/encrypted bodies built from real fixtures get only 2xx/4xx, a rejected request changes nothing
in the database, and afterwards the process still answers /healthz and still processes events."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.adapters._fuzz_platforms import PLATFORMS, Platform

# Everything a delivery can write: intake, member data, replies, adapter state.
TABLES = ["dedupe_keys", "inbox", "dead_letters", "groups", "members", "messages", "member_days", "member_hours",
          "membership_events", "tag_hits", "member_tags", "member_attributes", "outbox", "group_aliases",
          "adapter_state"]
COLUMNS = {"outbox": "id, adapter, payload"}  # not attempts/next_at: the outbox retries in the background
counter = itertools.count(1_000_000)


def snapshot(db: Path) -> dict[str, list[str]]:
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        return {t: sorted(repr(r) for r in conn.execute(f"SELECT {COLUMNS.get(t, '*')} FROM {t}")) for t in TABLES}


async def settle(bot: Any) -> None:
    await asyncio.wait_for(bot.runtime.inbox.drained(), 10)
    await bot.runtime.outbox.drained(timeout=10)  # replies to earlier accepted commands go out (or wait)
    for adapter in bot.runtime.adapters.values():  # Telegram/OneBot save learned state in tasks
        await asyncio.gather(*getattr(adapter, "_pending", ()))


async def post(bot: Any, plat: Platform, plain: bytes) -> int:
    headers, query, body = plat.sign(plain, next(counter))
    resp = await bot.client.post(f"/webhook/{plat.name}", params=query, data=body, headers=headers)
    await resp.read()
    return int(resp.status)


@pytest.mark.parametrize("plat", PLATFORMS, ids=[p.name for p in PLATFORMS])
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
async def test_signed_fuzz_through_the_app(make_bot: Any, tmp_path: Path, plat: Platform, data: st.DataObject) -> None:
    bot = await make_bot(adapters={} if plat.name == "generic" else plat.config())
    db = tmp_path / "quntag.db"
    try:
        for i in range(8):
            plain = data.draw(plat.bodies(), label=f"body {i}")
            await settle(bot)
            before = snapshot(db)
            status = await post(bot, plat, plain)
            assert 200 <= status < 300 or 400 <= status < 500, status
            if status >= 400:
                await settle(bot)
                after = snapshot(db)
                assert [t for t in TABLES if after[t] != before[t]] == [], f"rejected ({status}) yet recorded"
        assert (await bot.client.get("/healthz")).status == 200
        assert await post(bot, plat, plat.pristine()) < 300
        await settle(bot)  # the processor is alive: everything accepted gets processed
        assert snapshot(db)["inbox"] == [] and snapshot(db)["dead_letters"] == []
    finally:
        await bot.client.close()
