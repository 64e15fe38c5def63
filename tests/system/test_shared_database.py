"""Two servers (two machines) on one PostgreSQL database: both accept deliveries and all their processors share
the groups; a processor SIGKILLed under load and then a whole machine dying lose nothing and count nothing twice,
and the surviving machine takes every group and the schedule over."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import time
from pathlib import Path

import aiohttp
from sqlalchemy import create_engine, text

from storage.partitions import PART_CLASS, PARTS
from tests.system.serve import Server, free_port, members, send_all, wait_processed, write_config
from tests.system.test_workers import pids, wait_logged

GROUPS = [f"g-{i}" for i in range(8)]


def events(prefix: str, n: int) -> list[dict]:
    now = time.time()
    return [{"id": f"{prefix}-{i}", "type": "message", "time": now, "group": {"id": GROUPS[i % len(GROUPS)]},
             "user": {"id": f"u-{i % 40}"}, "text": "红酒" if i % 2 else "你好"} for i in range(n)]


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


def holders(url: str) -> dict[int, int]:
    """Processor (backend pid) → partitions it holds, from the server's lock table."""
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            rows = c.execute(text(
                "SELECT pid, count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = CAST(:c AS oid) "
                "AND objsubid = 2 AND granted AND database = (SELECT oid FROM pg_database "
                "WHERE datname = current_database()) GROUP BY pid"), {"c": PART_CLASS}).all()
    finally:
        engine.dispose()
    return {int(pid): int(n) for pid, n in rows}


def shared_out(url: str, processors: int, timeout: float = 30) -> dict[int, int]:
    deadline = time.time() + timeout
    while time.time() < deadline:
        held = holders(url)
        if len(held) == processors and sum(held.values()) == PARTS and max(held.values()) <= -(-PARTS // processors):
            return held
        time.sleep(0.2)
    raise AssertionError(f"partitions not shared out among {processors} processors: {holders(url)}")


async def counts(http: aiohttp.ClientSession, base: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for g in GROUPS:
        for p in await members(http, base, f"generic:{g}"):
            out[f"{g}/{p['member']}"] = p["stats"]["messages"]
    return out


async def test_processors_of_two_machines_share_the_groups_and_survive_a_processor_and_a_machine(
        pg_url: str, tmp_path: Path) -> None:
    servers = []
    for name, processors in (("a", 2), ("b", 1)):
        folder = tmp_path / name
        folder.mkdir()
        servers.append(Server(write_config(folder, url=pg_url, server=f"processors = {processors}"), free_port(),
                              workers=2))
    a, b = servers
    try:
        a.start()
        b.start()
        assert "takes the schedule over" in log_of(b) and "takes the schedule over" not in log_of(a)
        shared_out(pg_url, 3)  # three processors on two machines, a third of the partitions each
        procs = pids(a)
        assert {"processor 1", "processor 2"} <= set(procs)
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as http:
            first = events("x", 800)
            killed: list[int] = []

            def kill_a_processor(acked: set[str]) -> None:
                if len(acked) >= 200 and not killed:
                    killed.append(procs["processor 2"])
                    os.kill(procs["processor 2"], signal.SIGKILL)  # mid-stream, holding a batch

            acked = await send_all(http, a.base, first[::2], kill_a_processor)
            acked |= await send_all(http, b.base, first[1::2], lambda _acked: None)
            assert len(acked) == 800 and killed
            wait_logged(a, "processor 2 (pid", 1)
            await wait_processed(http, b.base)
            # 800 events: 20 for each of the 40 members (each in one group)
            assert set((await counts(http, b.base)).values()) == {20}
            shared_out(pg_url, 3)  # the restarted processor has its share again

            kill_machine(a)
            second = events("y", 800) + first[:100]  # a platform's retries of delivered events count nothing
            acked = await send_all(http, b.base, second, lambda _acked: None)
            assert len(acked) == 900
            assert list(shared_out(pg_url, 1).values()) == [PARTS]  # the survivor holds every group
            await wait_processed(http, b.base, timeout=60)
            assert set((await counts(http, b.base)).values()) == {40}
        assert re.search(r"took over the schedule of the shared database", wait_logged(b, "took over the schedule", 1))
        code, _out = b.terminate()
        assert code == 0
    finally:
        for server in servers:
            server.ensure_stopped()
