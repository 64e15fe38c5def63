"""Mounting the console on the server: its services, its gate and its routes."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from bot.core.config import Config
from bot.faces.console import api, login, pages, session, static
from bot.faces.console.auth import ConsoleLogins
from bot.faces.console.service import CONSOLE, Console
from bot.faces.console.views import Pages
from storage.db import Database
from storage.repo import Repo
from storage.repo.stores.console import SqlConsoleStore


async def to_overview(_request: web.Request) -> web.StreamResponse:
    raise web.HTTPPermanentRedirect("/console/")


def add_routes(app: web.Application, config: Config, db: Database, repo: Repo, clock: Callable[[], float]) -> None:
    """``/console/…`` pages (session cookie) and ``GET /api/overview`` (API token, checked by ``bot.faces.api``)."""
    store = SqlConsoleStore(db)
    app[CONSOLE] = Console(config, repo, store, ConsoleLogins(config, store, clock), Pages(config.defaults.locale),
                           clock)
    app.middlewares.append(session.guard)
    r = app.router
    r.add_get("/console", to_overview)
    r.add_get("/console/welcome", login.welcome)
    # No HEAD: a link preview that only peeks at the URL must not spend the one-time link.
    r.add_get("/console/login", login.login, allow_head=False)
    r.add_post("/console/logout", login.logout)
    r.add_post("/console/logout-everywhere", login.logout_everywhere)
    r.add_get("/console/", pages.overview_page)
    r.add_get("/console/groups/{group:[^/]+}", pages.group_page)
    r.add_get("/console/static/{name}", static.asset)
    r.add_get("/api/overview", api.overview_json)
