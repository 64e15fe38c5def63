"""Run ``quntag serve`` as a real process for system tests."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp

from bot.adapters.generic import signed_headers

SECRET = "crash-secret"
TOKEN = "crash-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_config(folder: Path, sync: str = "normal", url: str = "sqlite:///quntag.db", server: str = "") -> Path:
    """A config for one test server; ``server``: more ``[server]`` lines (such as ``workers = 2``)."""
    path = folder / "config.toml"
    path.write_text(f"""
[server]
{server}
api_token = "{TOKEN}"
[storage]
url = "{url}"
sync = "{sync}"
[adapters.generic]
secret = "{SECRET}"
outbound_url = "http://127.0.0.1:9/send"
[[tags]]
name = "红酒"
keywords = ["红酒"]
""", encoding="utf-8")
    return path


class Server:
    def __init__(self, config: Path, port: int, workers: int | None = None) -> None:
        """``workers``: ``serve --workers N`` (None: the config's, by default one per core)."""
        self.config, self.port, self.workers = config, port, workers
        self.proc: subprocess.Popen[str] | None = None
        self.base = f"http://127.0.0.1:{port}"

    def start(self) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        # Output goes to a file, never a pipe nobody drains (a full pipe would block the server).
        self.log = open(self.config.parent / f"serve-{self.port}.log", "a+", encoding="utf-8")  # noqa: SIM115
        start = self.log.tell()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.faces.cli", "serve", "--config", str(self.config), "--port", str(self.port),
             *(["--workers", str(self.workers)] if self.workers else [])],
            stdout=self.log, stderr=subprocess.STDOUT, text=True, env=env)
        deadline = time.time() + 30
        while time.time() < deadline:
            self.log.seek(start)
            if "listening on http://" in self.log.read():
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError(f"server did not start (exit {self.proc.poll()})")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def ensure_stopped(self) -> None:
        """Kill the server if a failed test left it running (it would hold the database's connections)."""
        if self.proc is not None and self.proc.poll() is None:
            self.kill()

    def terminate(self) -> tuple[int, str]:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=30)
        self.log.seek(0)
        return code, self.log.read()


async def post(http: aiohttp.ClientSession, base: str, event: dict[str, Any]) -> int:
    body = json.dumps(event, ensure_ascii=False).encode()
    async with http.post(f"{base}/webhook/generic", data=body, headers=signed_headers(SECRET, body, time.time())) as r:
        await r.read()
        return r.status


async def send_all(http: aiohttp.ClientSession, base: str, events: list[dict[str, Any]],
                   after_each: Callable[[set[str]], None]) -> set[str]:
    """POST every event, 32 at a time, as a platform would; the ids acknowledged with 200. ``after_each``
    sees the acknowledged ids after every attempt (to kill something mid-stream)."""
    acked: set[str] = set()
    sem = asyncio.Semaphore(32)

    async def send(ev: dict[str, Any]) -> None:
        async with sem:
            try:
                if await post(http, base, ev) == 200:
                    acked.add(ev["id"])
            except (TimeoutError, aiohttp.ClientError, OSError):
                pass
            after_each(acked)

    await asyncio.gather(*(send(e) for e in events))
    return acked


async def wait_processed(http: aiohttp.ClientSession, base: str, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        async with http.get(f"{base}/healthz", headers={"Authorization": f"Bearer {TOKEN}"}) as r:
            body = await r.json()
        if body.get("inbox", {}).get("pending") == 0:
            return
        await asyncio.sleep(0.1)
    raise TimeoutError("inbox not drained")


async def members(http: aiohttp.ClientSession, base: str, group: str) -> list[dict[str, Any]]:
    async with http.get(f"{base}/api/groups/{group}/members?limit=100000",
                        headers={"Authorization": f"Bearer {TOKEN}"}) as r:
        return list(await r.json()) if r.status == 200 else []
