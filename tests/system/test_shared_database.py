"""Two servers (two machines) on one PostgreSQL database: both accept deliveries, exactly one processes
them, and when the processing machine dies the other takes over; every event is counted exactly once."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

import aiohttp

from tests.system.serve import Server, free_port, members, send_all, wait_processed, write_config

GROUP = "generic:g"


def events(prefix: str, n: int) -> list[dict]:
    now = time.time()
    return [{"id": f"{prefix}-{i}", "type": "message", "time": now, "group": {"id": "g"},
             "user": {"id": f"u-{i % 50}"}, "text": "红酒" if i % 2 else "你好"} for i in range(n)]


def kill_machine(server: Server) -> None:
    """SIGKILL the parent and every child at once, as when the machine loses power: nobody stops cleanly."""
    assert server.proc is not None
    pids = [server.proc.pid]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == server.proc.pid:
                pids.append(int(entry.name))
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    server.proc.wait(timeout=10)


def log_of(server: Server) -> str:
    server.log.seek(0)
    return server.log.read()


async def test_one_processor_across_machines_and_takeover_when_it_dies(pg_url: str, tmp_path: Path) -> None:
    servers = []
    for name in ("a", "b"):
        folder = tmp_path / name
        folder.mkdir()
        servers.append(Server(write_config(folder, url=pg_url), free_port(), workers=2))
    a, b = servers
    try:
        a.start()
        b.start()
        assert "standing by" in log_of(b) and "standing by" not in log_of(a)
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as http:
            first = events("x", 400)
            acked = await send_all(http, a.base, first[::2], lambda _acked: None)
            acked |= await send_all(http, b.base, first[1::2], lambda _acked: None)
            assert len(acked) == 400
            await wait_processed(http, b.base)
            counts = {p["member"]: p["stats"]["messages"] for p in await members(http, b.base, GROUP)}
            assert len(counts) == 50 and set(counts.values()) == {8}

            kill_machine(a)
            second = events("y", 400) + first[:100]  # a platform's retries of delivered events count nothing
            acked = await send_all(http, b.base, second, lambda _acked: None)
            assert len(acked) == 500
            await wait_processed(http, b.base, timeout=60)
            counts = {p["member"]: p["stats"]["messages"] for p in await members(http, b.base, GROUP)}
        assert set(counts.values()) == {16}
        assert "took over processing" in log_of(b)
        code, _out = b.terminate()
        assert code == 0
    finally:
        for server in servers:
            server.ensure_stopped()

