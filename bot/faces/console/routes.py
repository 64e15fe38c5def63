"""Mounting the console on the server: its services, its gate and its routes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.core.config import Config
from bot.domain import refresh
from bot.faces.console import (
    api,
    group_page,
    insights_page,
    login,
    member_page,
    members_page,
    mydata,
    pages,
    routine,
    rules_page,
    session,
    static,
    surveys_page,
)
from bot.faces.console.auth import ConsoleLogins
from bot.faces.console.service import CONSOLE, Console
from bot.faces.console.views import Pages
from storage.db import Database
from storage.repo import Repo
from storage.repo.stores.console import SqlConsoleStore


async def to_overview(_request: web.Request) -> web.StreamResponse:
    raise web.HTTPPermanentRedirect("/console/")


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def shown(handler: Handler) -> Handler:
    """A view that shows the group's stored recompute and insights run, renewing them in the background when
    they are out of date (``bot.domain.refresh``) rather than making the operator wait."""
    async def view(request: web.Request) -> web.StreamResponse:
        with refresh.showing_last():
            return await handler(request)
    return view


async def _renewals_done(_app: web.Application) -> None:
    await refresh.settled()  # before the database closes


def add_routes(app: web.Application, config: Config, db: Database, repo: Repo, clock: Callable[[], float]) -> None:
    """``/console/…`` pages (session cookie) and ``GET /api/overview`` (API token, checked by ``bot.faces.api``)."""
    store = SqlConsoleStore(db)
    app[CONSOLE] = Console(config, repo, store, ConsoleLogins(config, store, clock), Pages(config.defaults.locale),
                           clock)
    app.middlewares.append(session.guard)
    app.on_shutdown.append(_renewals_done)
    r = app.router
    r.add_get("/console", to_overview)
    r.add_get("/console/welcome", login.welcome)
    # No HEAD: a link preview that only peeks at the URL must not spend the one-time link.
    r.add_get("/console/login", login.login, allow_head=False)
    r.add_post("/console/logout", login.logout)
    r.add_post("/console/logout-everywhere", login.logout_everywhere)
    r.add_get("/console/", shown(pages.overview_page))
    r.add_get("/console/groups/{group:[^/]+}", shown(group_page.dashboard_page))
    g = "/console/groups/{group:[^/]+}"
    r.add_get(g + "/members", shown(members_page.members_page))
    r.add_get(g + "/export.csv", members_page.export_csv)
    r.add_get(g + "/export.xlsx", members_page.export_xlsx)
    r.add_get(g + "/members/{member:[^/]+}", shown(member_page.member_page))
    r.add_post(g + "/members/{member:[^/]+}", member_page.member_action)
    r.add_get(g + "/members/{member:[^/]+}/forget", member_page.forget_page)
    r.add_post(g + "/members/{member:[^/]+}/forget", member_page.forget)
    r.add_get(g + "/insights", shown(insights_page.insights_page))
    r.add_post(g + "/insights", insights_page.save_segment)
    r.add_get(g + "/surveys", surveys_page.surveys_page)
    r.add_post(g + "/surveys", surveys_page.survey_post)
    r.add_get(g + "/rules", rules_page.rules_page)
    r.add_post(g + "/rules", rules_page.rules_post)
    r.add_get(g + "/routine", routine.routine_page)
    r.add_post(g + "/routine", routine.routine_post)
    r.add_get("/console/static/{name}", static.asset)
    r.add_get("/api/overview", shown(api.overview_json))
    mydata.add_routes(app)  # a member's own data: the one-time link /mydata sends, no console session
    # The console's pages as JSON: the same path under /api (the API token, never the session cookie).
    a = "/api/console/groups/{group:[^/]+}"
    r.add_get(a, shown(group_page.dashboard_json))
    r.add_get(a + "/members", shown(members_page.members_json))
    r.add_get(a + "/members/{member:[^/]+}", shown(member_page.member_json))
    r.add_get(a + "/routine", routine.routine_json)
    r.add_get(a + "/insights", shown(insights_page.insights_json))
    r.add_get(a + "/surveys", surveys_page.surveys_json)
    r.add_get(a + "/rules", rules_page.rules_json)
