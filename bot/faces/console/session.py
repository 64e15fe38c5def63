"""The console's gate: every ``/console`` URL but the login and help pages needs a live session, every
POST the session's CSRF token, and no error ever shows a traceback (a page in the console's language)."""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.faces.console.auth import COOKIE, csrf_ok, csrf_token
from bot.faces.console.gate import NoGroup
from bot.faces.console.service import CONSOLE, VIEWER, Viewer, set_viewer

log = logging.getLogger("quntag.console")

WELCOME = "/console/welcome"
OPEN = ("/console/login", WELCOME)  # reachable without a session
STATIC = "/console/static/"


def _console_path(path: str) -> bool:
    return path == "/console" or path.startswith("/console/")


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Sessions, CSRF and error pages for ``/console``; every other path passes untouched."""
    if not _console_path(request.path):
        return await handler(request)
    console = request.app[CONSOLE]
    pages, t = console.pages, console.pages.t
    try:
        if request.path not in OPEN and not request.path.startswith(STATIC):
            session_id = request.cookies.get(COOKIE, "")
            member = await console.logins.member_of(session_id)
            if member is None:
                away = web.HTTPSeeOther(WELCOME)
                if session_id:  # ended or expired: the browser may forget it
                    away.del_cookie(COOKIE, path="/console")
                raise away
            if request.method not in ("GET", "HEAD"):
                form = await request.post()
                given = str(form.get("csrf", "")) or request.headers.get("X-CSRF-Token", "")
                if not csrf_ok(session_id, given):
                    log.info("console: POST %s without a valid CSRF token refused", request.path)
                    return pages.message(403, t["csrf_title"], [t["csrf_text"]], link=("/console/", t["back_home"]))
            set_viewer(request, Viewer(member, session_id, csrf_token(session_id)))
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        if isinstance(exc, NoGroup):
            return pages.message(404, t["no_group_title"], [t["no_group_text"]], viewer=request.get(VIEWER),
                                 link=("/console/", t["back_home"]))
        if exc.status == 404:
            return pages.message(404, t["not_found_title"], [t["not_found_text"]], link=("/console/", t["back_home"]))
        if exc.status == 405:
            return pages.message(405, t["bad_method_title"], [t["bad_method_text"]], link=("/console/", t["back_home"]))
        return pages.message(exc.status, t["error_title"], [t["error_text"]], link=("/console/", t["back_home"]))
    except Exception:
        log.exception("console: %s %s failed", request.method, request.path)
        return pages.message(500, t["error_title"], [t["error_text"]], link=("/console/", t["back_home"]))
