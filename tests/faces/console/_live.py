"""The real server on a loopback port for the browser: its own event loop in a thread, a clock the test
can move, and Chromium from Debian's packages (launched by path; no browser is ever downloaded)."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import threading
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import pytest
from aiohttp import web

from bot.faces.appkeys import RUNTIME
from bot.faces.console.auth import one_way
from bot.faces.console.service import CONSOLE
from bot.faces.listener import listen
from bot.faces.server import create_app
from tests.conftest import TOKEN, make_config
from tests.faces.console._community import ROOT, SURVEY, sections, seed

T = TypeVar("T")
CHROMIUM = os.environ.get("QUNTAG_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def chromium_or_skip() -> str:
    """Chromium's path. Missing: under ``CI=true`` the browser tests fail (CI must run them), elsewhere
    they are skipped with one line saying what to install."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = "the playwright package is not installed (pip install -e '.[dev]')"
    else:
        if Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK):
            return CHROMIUM
        missing = f"no Chromium at {CHROMIUM} (apt-get install chromium, or set QUNTAG_CHROMIUM)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"console browser tests cannot run: {missing}", pytrace=False)
    pytest.skip(f"console browser tests skipped: {missing}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveConsole:
    """``create_app`` served on 127.0.0.1 with the console community seeded; ``offset`` moves its clock."""

    def __init__(self, tmp: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.config = make_config(tmp, **sections(
            defaults={"admins": [ROOT], "welcome": False},
            server={"api_token": TOKEN, "port": self.port, "public_url": self.base}, surveys=[SURVEY]))
        self.offset = 0.0
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="console-live", daemon=True)
        self.runner: web.AppRunner | None = None
        self.app: web.Application | None = None

    def clock(self) -> float:
        return time.time() + self.offset

    def call(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=60)

    def start(self) -> None:
        self.thread.start()
        self.call(self._start())

    async def _start(self) -> None:
        self.app = create_app(self.config, clock=self.clock, schedule=False)
        self.runner, _port = await listen(self.app, "127.0.0.1", self.port)
        await seed(self.app[RUNTIME], self.clock())

    def stop(self) -> None:
        if self.runner is not None:
            self.call(self.runner.cleanup())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=30)
        self.loop.close()

    def url(self, path: str) -> str:
        return self.base + path

    def link(self, member: str) -> str:
        """A login link, as ``quntag console-link`` prints it."""
        assert self.app is not None
        url = self.call(self.app[CONSOLE].logins.issue(member))
        assert url is not None
        return url

    def planted_link(self, member: str) -> str:
        """A link stored for ``member`` whatever the config says (one made before they lost admin rights)."""
        assert self.app is not None
        token = f"planted-{time.monotonic_ns()}"
        now = self.clock()
        self.call(self.app[CONSOLE].store.add_login_token(one_way("link", token), member, now, now + 600))
        return self.url(f"/console/login?t={token}")


def group_path(group: str, rest: str = "") -> str:
    """A group's console path (the id percent-encoded), with an optional sub-path."""
    return f"/console/groups/{quote(group, safe='')}{rest}"


def logged_in(browse: Any, live: LiveConsole, member: str, viewport: str = "desktop") -> Any:
    """A fresh browser page logged in as ``member`` through a one-time link, on the overview."""
    page = browse(viewport)
    page.goto(live.link(member))
    assert page.url == live.url("/console/")
    return page
