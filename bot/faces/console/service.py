"""What the console's handlers share, under one AppKey: config, storage, logins, pages and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web

from bot.core.config import Config
from bot.faces.console.auth import ConsoleLogins
from bot.faces.console.views import Pages
from storage.repo import Repo
from storage.repo.stores.console import ConsoleStore


@dataclass(frozen=True, slots=True)
class Console:
    config: Config
    repo: Repo
    store: ConsoleStore
    logins: ConsoleLogins
    pages: Pages
    clock: Callable[[], float]

    async def audit(self, member_id: str, action: str, group_id: str = "", detail: str = "") -> None:
        """Record a console action in the audit log, the acting admin named ``console:<member>``."""
        await self.repo.privacy.audit(f"console:{member_id}", action, group_id, detail)


CONSOLE = web.AppKey("console", Console)


@dataclass(frozen=True, slots=True)
class Viewer:
    """The admin behind a request with a live session; ``csrf`` goes into every form."""

    member_id: str
    session_id: str
    csrf: str


VIEWER = web.RequestKey("console_viewer", Viewer)


def viewer(request: web.Request) -> Viewer:
    """The logged-in admin (the session middleware put it there; console pages never run without one)."""
    if VIEWER not in request:
        raise web.HTTPSeeOther("/console/welcome")
    return request[VIEWER]


def set_viewer(request: web.Request, who: Viewer) -> None:
    request[VIEWER] = who
