"""Logging in and out: the help page, the one-time link, logout here and everywhere."""

from __future__ import annotations

from aiohttp import web

from bot.faces.console.auth import COOKIE
from bot.faces.console.service import CONSOLE, viewer
from bot.faces.console.views import HEADERS


async def welcome(request: web.Request) -> web.Response:
    """How to get a login link (where every console URL sends a browser without a session)."""
    c = request.app[CONSOLE]
    return c.pages.response("welcome", viewer=None, bye=request.query.get("bye") == "1")


# Chat apps' crawlers fetch a URL posted in a message to draw its preview; such a fetch must not spend a
# one-time link. Only crawlers: an app's in-app browser (Lark/, wxwork, MicroMessenger) is a real login.
LINK_PREVIEWERS = ("telegrambot", "twitterbot", "slackbot", "facebookexternalhit", "discordbot", "skypeuripreview")


def _previewer(request: web.Request) -> bool:
    agent = request.headers.get("User-Agent", "").casefold()
    return any(bot in agent for bot in LINK_PREVIEWERS)


async def login(request: web.Request) -> web.StreamResponse:
    """``GET /console/login?t=TOKEN``: spend the link, set the session cookie, go to the overview. A chat
    app's link-preview fetch gets a plain page and leaves the link unspent."""
    c = request.app[CONSOLE]
    t = c.pages.t
    if _previewer(request):
        return c.pages.message(200, t["login_preview_title"], [t["login_preview"]])
    result = await c.logins.redeem(request.query.get("t", ""))
    if result.outcome != "ok" or result.session_id is None or result.member_id is None:
        if result.member_id is not None:
            await c.audit(result.member_id, "console_login_refused", detail=result.outcome)
        return c.pages.message(400, t["login_failed_title"], [t[f"login_{result.outcome}"], t["login_again"]],
                               link=("/console/welcome", t["how_to_login"]))
    await c.audit(result.member_id, "console_login")
    done = web.Response(status=303, headers={**HEADERS, "Location": "/console/"})
    done.set_cookie(COOKIE, result.session_id, max_age=c.logins.session_seconds, path="/console", httponly=True,
                    samesite="Lax", secure=c.logins.secure_cookie)
    return done


def _logged_out() -> web.Response:
    gone = web.Response(status=303, headers={**HEADERS, "Location": "/console/welcome?bye=1"})
    gone.del_cookie(COOKIE, path="/console")
    return gone


async def logout(request: web.Request) -> web.Response:
    """``POST /console/logout``: end this browser's session."""
    c, who = request.app[CONSOLE], viewer(request)
    await c.logins.end(who.session_id)
    await c.audit(who.member_id, "console_logout")
    return _logged_out()


async def logout_everywhere(request: web.Request) -> web.Response:
    """``POST /console/logout-everywhere``: end every session of this admin (a lost phone, a shared PC)."""
    c, who = request.app[CONSOLE], viewer(request)
    ended = await c.logins.end_everywhere(who.member_id)
    await c.audit(who.member_id, "console_logout_everywhere", detail=f"{ended} sessions")
    return _logged_out()
