"""Shared test helpers: configs on temporary SQLite files, the real app, signed generic posts."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.adapters.generic import signed_headers
from bot.core.config import Config
from bot.faces.appkeys import RUNTIME
from bot.faces.demo.receiver import Receiver, start_site
from bot.faces.server import create_app
from bot.faces.settings import parse
from tests.postgres import pg_database, pg_url, pytest_terminal_summary  # noqa: F401  (fixtures and the skip line)
from tests.storage.backends import every_backend  # noqa: F401  (a fixture)

SECRET = "test-secret"
TOKEN = "test-token"

TAGS = [
    {"name": "红酒", "category": "interest", "keywords": ["红酒", "葡萄酒", "赤霞珠", "wine"], "weight": 1.0},
    {"name": "摄影", "category": "interest", "keywords": ["摄影", "相机"], "weight": 2.0},
]


def config_dict(tmp_path: Path, outbound_url: str = "", **sections: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "server": {"api_token": TOKEN},
        "storage": {"url": f"sqlite:///{tmp_path}/quntag.db"},
        "tags": TAGS,
        "adapters": {"generic": {"secret": SECRET, "outbound_url": outbound_url}},
    }
    for key, value in sections.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return data


def make_config(tmp_path: Path, outbound_url: str = "", **sections: Any) -> Config:
    return parse(config_dict(tmp_path, outbound_url, **sections), tmp_path, env={})


def message(eid: str, user: str, text: str, t: float, group: str = "g-1", name: str = "",
            **extra: Any) -> dict[str, Any]:
    return {"id": eid, "type": "message", "time": t, "group": {"id": group, "name": "测试群"},
            "user": {"id": user, "name": name or user}, "text": text, **extra}


def signed(event: dict[str, Any] | bytes, secret: str = SECRET,
           now: float | None = None) -> tuple[bytes, dict[str, str]]:
    body = event if isinstance(event, bytes) else json.dumps(event, ensure_ascii=False).encode()
    return body, signed_headers(secret, body, time.time() if now is None else now)


class Bot:
    """The real app behind a test client, plus the fake outbound receiver."""

    def __init__(self, client: TestClient[Any, Any], receiver: Receiver, config: Config,
                 clock: Callable[[], float]) -> None:
        self.clock = clock
        self.client = client
        self.receiver = receiver
        self.config = config

    @property
    def runtime(self) -> Any:
        return self.client.server.app[RUNTIME]

    async def post(self, event: dict[str, Any] | bytes, **kw: Any) -> Any:
        kw.setdefault("now", self.clock())
        body, headers = signed(event, **kw)
        return await self.client.post("/webhook/generic", data=body, headers=headers)

    async def settle(self) -> None:
        await self.runtime.inbox.drained()
        await self.runtime.outbox.drained()

    async def profile(self, member: str, group: str = "generic:g-1", at: str | None = None) -> Any:
        url = f"/api/groups/{group}/members/{member}" + (f"?at={at}" if at else "")
        r = await self.client.get(url, headers={"Authorization": f"Bearer {TOKEN}"})
        return r.status, await r.json()

    async def api(self, path: str) -> Any:
        r = await self.client.get(path, headers={"Authorization": f"Bearer {TOKEN}"})
        return r.status, await r.json()


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[Receiver, str]]:
    rec = Receiver(SECRET)
    runner, base = await start_site(rec.app())
    yield rec, base + "/send"
    await runner.cleanup()


@pytest.fixture
def bot_storage_url(tmp_path: Path) -> str:
    """The database ``make_bot`` runs on: a SQLite file. A module runs on every backend by overriding it
    with ``tests.storage.backends.every_backend``."""
    return f"sqlite:///{tmp_path}/quntag.db"


@pytest.fixture
def make_bot(tmp_path: Path, aiohttp_client: Callable[..., Any], receiver: tuple[Receiver, str],
             bot_storage_url: str) -> Callable[..., Any]:
    async def build(clock: Callable[[], float] = time.time, **sections: Any) -> Bot:
        rec, url = receiver
        sections["storage"] = {"url": bot_storage_url, **sections.get("storage", {})}
        if clock is time.time and "scheduler" not in sections:
            # On the wall clock a start-up catch-up would post the morning report whenever the suite happens
            # to run within an hour after the group's (automatic) morning time: no catch-up unless asked for.
            sections["scheduler"] = {"grace_minutes": 0}
        cfg = make_config(tmp_path, url, **sections)
        app: web.Application = create_app(cfg, clock=clock)
        client = await aiohttp_client(app)
        return Bot(client, rec, cfg, clock)
    return build
