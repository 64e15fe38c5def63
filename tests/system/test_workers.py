"""``quntag serve --workers 2`` as real processes: SIGKILL of a web process and of the processor under load
loses no acknowledged event and counts none twice; the parent restarts each (log line and metric); SIGTERM
stops every process cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import time
from pathlib import Path

import aiohttp

from storage.partitions import event_part
from tests.system.serve import Server, free_port, members, post, send_all, wait_processed, write_config

N = 1200
MEMBERS = 200


def events(now: float) -> list[dict]:
    return [{"id": f"w-{i}", "type": "message", "time": now, "group": {"id": "g"},
             "user": {"id": f"u-{i % MEMBERS}"}, "text": "红酒" if i % 3 == 0 else "你好"} for i in range(N)]


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def pids(server: Server) -> dict[str, int]:
    """Role → pid, from the line the parent logs once every process is up."""
    deadline = time.time() + 10
    while time.time() < deadline:
        server.log.seek(0)
        line = next((x for x in server.log.read().splitlines() if "processes: " in x), None)
        if line:
            return {name: int(pid) for name, pid in re.findall(r"(processor(?: \d+)?|web process \d+) pid (\d+)", line)}
        time.sleep(0.05)
    raise AssertionError("the parent did not log its processes")


def wait_logged(server: Server, text: str, count: int, timeout: float = 20) -> str:
    deadline = time.time() + timeout
    while time.time() < deadline:
        server.log.seek(0)
        out = server.log.read()
        if out.count(text) >= count:
            return out
        time.sleep(0.1)
    raise AssertionError(f"{text!r} not logged {count} times:\n{out}")


async def metric(http: aiohttp.ClientSession, base: str, name: str) -> float:
    async with http.get(f"{base}/metrics") as r:
        text = await r.text()
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(name))


async def test_sigkill_of_web_process_and_processor_under_load_is_exactly_once(tmp_path):
    server = Server(write_config(tmp_path, server="workers = 2\nprocessors = 1"), free_port())
    server.start()
    procs = pids(server)
    assert set(procs) == {"processor", "web process 1", "web process 2"}
    evs = events(time.time())
    killed: list[str] = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:

        def kill_in_turn(acked: set[str]) -> None:
            for role, at in (("web process 1", N // 4), ("processor", N // 2)):
                if len(acked) >= at and role not in killed:
                    killed.append(role)
                    os.kill(procs[role], signal.SIGKILL)  # mid-stream, with requests in flight

        acked = await send_all(http, server.base, evs, kill_in_turn)
        assert killed == ["web process 1", "processor"]
        out = wait_logged(server, "was killed by signal 9 (SIGKILL); restarted as pid", 2)
        assert f"web process 1 (pid {procs['web process 1']}) was killed" in out
        assert f"processor (pid {procs['processor']}) was killed" in out
        # A platform retries what it saw no answer to, and some it did.
        retry = [e for e in evs if e["id"] not in acked] + [e for e in evs if e["id"] in acked][:200]
        results = await asyncio.gather(*(post(http, server.base, e) for e in retry))
        assert set(results) == {200}
        await wait_processed(http, server.base)
        profiles = await members(http, server.base, "generic:g")
        assert await metric(http, server.base, 'quntag_process_restarts_total{role="web"}') == 1
        assert await metric(http, server.base, 'quntag_process_restarts_total{role="processor"}') == 1
    assert len(profiles) == MEMBERS
    assert sum(p["stats"]["messages"] for p in profiles) == N
    assert all(p["stats"]["messages"] == N // MEMBERS for p in profiles)
    running = children(server.proc.pid)
    assert len(running) == 3
    code, out = server.terminate()
    assert code == 0, out
    assert "quntag: stopped" in out and "did not stop" not in out
    assert not [p for p in running if Path(f"/proc/{p}").exists()], "a child outlived the parent"


async def test_two_processors_on_one_sqlite_file_share_the_groups_and_count_each_event_once(tmp_path):
    server = Server(write_config(tmp_path, server="workers = 2\nprocessors = 2"), free_port())
    server.start()
    assert set(pids(server)) == {"processor 1", "processor 2", "web process 1", "web process 2"}
    groups = [f"g-{i}" for i in range(8)]
    evs = [{"id": f"p-{i}", "type": "message", "time": time.time(), "group": {"id": groups[i % 8]},
            "user": {"id": f"u-{i % 40}"}, "text": "你好"} for i in range(400)]
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:
        assert len(await send_all(http, server.base, evs, lambda _acked: None)) == 400
        await wait_processed(http, server.base)
        counts = [p["stats"]["messages"] for g in groups for p in await members(http, server.base, f"generic:{g}")]
    # each processor holds half of the partitions, and the groups fall into both halves: every event processed
    # means both processors worked
    assert {event_part([{"chat": ["generic", g]}]) % 2 for g in groups} == {0, 1}
    assert counts == [10] * 40  # 400 events: 10 for each of the 40 members, each in one group
    code, out = server.terminate()
    assert code == 0, out
    assert "(2 web processes and 2 processors)" in out
