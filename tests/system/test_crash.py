"""Kill the real server with SIGKILL mid-stream: every acknowledged event is counted exactly once, on a SQLite
file (both sync levels) and on PostgreSQL (whose commit always waits for its log flush: one level)."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from tests.storage.backends import STORE_URLS, backend_name, database_url
from tests.system.serve import Server, free_port, members, post, send_all, wait_processed, write_config

N = 1500


def events(now: float) -> list[dict]:
    return [{"id": f"c-{i}", "type": "message", "time": now, "group": {"id": "g"},
             "user": {"id": f"u-{i % 300}"}, "text": "红酒" if i % 3 == 0 else "你好"} for i in range(N)]


# SQLite: one process with either durability, and the parent of several processes; PostgreSQL: several.
CASES = [(url, sync, workers) for url in STORE_URLS for sync, workers in (("normal", 1), ("full", 1), ("normal", 2))
         if backend_name(url) == "sqlite" or (sync, workers) == ("normal", 2)]


@pytest.mark.parametrize(("backend", "sync", "workers"), CASES,
                         ids=[f"{backend_name(u)}-{s}-{w}" for u, s, w in CASES])
async def test_sigkill_loses_no_acked_event_and_counts_none_twice(request, tmp_path, backend, sync, workers):
    """One process (``--workers 1``), or the parent of several (its children then get SIGTERM from the kernel)."""
    cfg = write_config(tmp_path, sync, database_url(request, backend, tmp_path))
    server = Server(cfg, free_port(), workers)
    try:
        profiles = await _kill_midstream_and_retry(server)
        code, _out = server.terminate()
    finally:
        server.ensure_stopped()
    assert code == 0
    assert sum(p["stats"]["messages"] for p in profiles) == N
    assert all(p["stats"]["messages"] == N // 300 for p in profiles) and len(profiles) == 300


async def _kill_midstream_and_retry(server: Server) -> list[dict]:
    """Post every event, SIGKILL the server a third of the way, restart it, retry: the profiles at the end."""
    server.start()
    evs = events(time.time())
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as http:

        def kill_at_a_third(acked: set[str]) -> None:
            if len(acked) >= N // 3 and server.proc and server.proc.poll() is None:
                server.kill()  # mid-stream, with requests in flight

        acked = await send_all(http, server.base, evs, kill_at_a_third)
        assert N // 3 <= len(acked) < N
        server.start()
        await wait_processed(http, server.base)
        by_member = {p["member"]: p["stats"]["messages"] for p in await members(http, server.base, "generic:g")}
        acked_per_member: dict[str, int] = {}
        for ev in evs:
            if ev["id"] in acked:
                key = "generic:" + ev["user"]["id"]
                acked_per_member[key] = acked_per_member.get(key, 0) + 1
        for member, n in acked_per_member.items():
            assert by_member.get(member, 0) >= n, f"acknowledged events of {member} lost"
        # The platform retries everything it did not see acknowledged, and some it did.
        retry = [e for e in evs if e["id"] not in acked] + [e for e in evs if e["id"] in acked][:200]
        results = await asyncio.gather(*(post(http, server.base, e) for e in retry))
        assert set(results) == {200}
        await wait_processed(http, server.base, timeout=120)
        profiles = await members(http, server.base, "generic:g")
    return profiles
