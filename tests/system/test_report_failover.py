"""Scheduled reports across a takeover: two servers (two machines) share one PostgreSQL database and the
processing one runs the scheduler. The group's morning report runs every minute; the processing machine
dies seconds before a fire time, the standby takes over, and every fire time gets exactly one report: the
one the dead leader sent is not sent again (the job-run claims), the one that passed while nobody led is
caught up by the new leader (within the grace), not skipped.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import create_engine, text

from tests.system.serve import Server, free_port, post, write_config
from tests.system.test_shared_database import kill_machine, log_of

GROUP = "generic:g"


class Platform:
    """A generic platform's outbound endpoint: every message the bot posts, with when it arrived."""

    def __init__(self) -> None:
        self.posts: list[tuple[float, dict[str, Any]]] = []
        self.port = free_port()

    async def receive(self, request: web.Request) -> web.Response:
        self.posts.append((time.time(), await request.json()))
        return web.json_response({"ok": True})

    async def start(self) -> web.AppRunner:
        app = web.Application()
        app.router.add_post("/send", self.receive)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", self.port).start()
        return runner

    def reports(self) -> list[float]:
        return [at for at, body in self.posts if body.get("group") == "g" and "早" in body.get("text", "")]


def configure(folder: Path, url: str, platform: Platform) -> Path:
    path = write_config(folder, url=url)
    body = path.read_text(encoding="utf-8").replace("http://127.0.0.1:9/send", f"http://127.0.0.1:{platform.port}/send")
    path.write_text(body + '\n[[groups]]\nid = "generic:g"\nname = "品酒群"\nmorning_report = "* * * * *"\n',
                    encoding="utf-8")
    return path


def fire_times(url: str) -> list[float]:
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            rows = c.execute(text("SELECT fire_time FROM job_runs WHERE group_id = :g AND job = 'morning_report' "
                                  "ORDER BY fire_time"), {"g": GROUP}).all()
    finally:
        engine.dispose()
    return [float(f) for (f,) in rows]


async def test_each_fire_time_gets_one_report_across_a_takeover(pg_url: str, tmp_path: Path) -> None:
    platform = Platform()
    site = await platform.start()
    servers = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        servers.append(Server(configure(tmp_path / name, pg_url, platform), free_port(), workers=2))
    a, b = servers
    try:
        a.start()
        b.start()
        assert "takes the schedule over" in log_of(b)
        async with aiohttp.ClientSession() as http:
            assert await post(http, a.base, {"id": "m-1", "type": "message", "time": time.time(),
                                             "group": {"id": "g", "name": "品酒群"}, "user": {"id": "u-1"},
                                             "text": "早上好"}) == 200
        while not platform.reports():  # the leader catches up the current minute's report at its start
            await asyncio.sleep(0.2)
        await asyncio.sleep(55 - time.time() % 60 if time.time() % 60 < 55 else 115 - time.time() % 60)
        kill_machine(a)  # a few seconds before the next fire time: nobody leads when it passes
        killed, sent = time.time(), len(platform.reports())
        while "took over the schedule" not in log_of(b):
            assert time.time() - killed < 30, "no takeover within 30 s"
            await asyncio.sleep(0.2)
        taken = time.time() - killed
        while len(platform.reports()) < sent + 1:  # the missed fire time, caught up by the new leader
            await asyncio.sleep(0.2)
        await asyncio.sleep(5)  # anything late or doubled would arrive now
        assert platform.reports()[-1] > killed
        fires = fire_times(pg_url)
        assert len(fires) == len(set(fires)) == len(platform.reports())  # one report per fire time
        assert [round(y - x) for x, y in itertools.pairwise(fires)] == [60] * (len(fires) - 1)  # no gap
        assert taken < 30
        code, _log = b.terminate()
        assert code == 0
    finally:
        for server in servers:
            server.ensure_stopped()
        await site.cleanup()
