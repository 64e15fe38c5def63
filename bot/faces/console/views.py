"""HTML for the console: one jinja2 environment over ``templates/console`` (autoescaped), the labels of
the console's language (``templates/console/<locale>.toml``) and the formats people read (dates in a
group's local time, signed percentages). Every page goes out with the same security headers."""

from __future__ import annotations

import json
import tomllib
from datetime import date
from importlib.resources import files
from typing import Any
from urllib.parse import quote

import jinja2
from aiohttp import web

from bot.core.render import Renderer
from bot.core.timeutil import local, parse_iso
from bot.domain import refresh

LOCALES = ("zh-CN", "en")
# Pages are built on the server: nothing but our own stylesheet, script and inline SVG is ever loaded,
# and no other site may frame them. The login link's token must not leak through the Referer header.
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _template(name: str) -> str | None:
    path = files("templates").joinpath("console", name)
    try:
        return path.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def labels(locale: str) -> dict[str, Any]:
    """Every word the console shows, in ``locale`` (zh-CN when unknown)."""
    name = locale if locale in LOCALES else "zh-CN"
    return tomllib.loads(files("templates").joinpath("console", f"{name}.toml").read_text(encoding="utf-8"))


class Formats:
    """How numbers and times read in one language."""

    def __init__(self, locale: str) -> None:
        self.zh = locale != "en"

    def when(self, ts: float, tz: str) -> str:
        """``11月29日 04:03`` (``Nov 29, 04:03``) in the zone ``tz``."""
        t = local(ts, tz)
        return f"{t.month}月{t.day}日 {t:%H:%M}" if self.zh else f"{_MONTHS_EN[t.month - 1]} {t.day}, {t:%H:%M}"

    @staticmethod
    def stamp(ts: float | None, tz: str) -> str:
        """``2026-11-29 04:03`` in the zone ``tz`` (files and tables that sort as text); empty when unknown."""
        return "" if not ts else f"{local(ts, tz):%Y-%m-%d %H:%M}"

    def when_iso(self, at: str | None, tz: str) -> str:
        """:meth:`when` for an ISO-8601 instant (``—`` when there is none)."""
        return "—" if not at else self.when(parse_iso(at), tz)

    def day(self, iso_day: str) -> str:
        """``11月29日`` (``Nov 29``) for an ISO date."""
        d = date.fromisoformat(iso_day)
        return f"{d.month}月{d.day}日" if self.zh else f"{_MONTHS_EN[d.month - 1]} {d.day}"

    @staticmethod
    def change(pct: float | None) -> str:
        """``+12%``, ``-30%``, ``±0%``; ``—`` when there was nothing to compare with."""
        if pct is None:
            return "—"
        return "±0%" if round(pct) == 0 else f"{pct:+.0f}%"

    @staticmethod
    def number(n: float) -> str:
        return f"{n:,.0f}"


def group_url(group_id: str, rest: str = "") -> str:
    """The console URL of a group (ids are percent-encoded, contract §9), with an optional sub-path."""
    return f"/console/groups/{quote(group_id, safe='')}{rest}"


def member_url(group_id: str, member_id: str, rest: str = "") -> str:
    """The console URL of one member of a group (both ids percent-encoded)."""
    return group_url(group_id, f"/members/{quote(member_id, safe='')}{rest}")


class Pages:
    """Renders console pages in one language."""

    def __init__(self, locale: str) -> None:
        self.locale = locale if locale in LOCALES else "zh-CN"
        self.t = labels(self.locale)
        self.fmt = Formats(self.locale)
        self.env = jinja2.Environment(loader=jinja2.FunctionLoader(_template), undefined=jinja2.StrictUndefined,
                                      autoescape=True, trim_blocks=True, lstrip_blocks=True)
        self.env.globals.update(group_url=group_url, member_url=member_url)
        self.chat = Renderer()  # the chat replies' own wording, where the console says the same thing

    def render(self, name: str, **ctx: Any) -> str:
        return self.env.get_template(f"{name}.html.j2").render(t=self.t, fmt=self.fmt, lang=self.locale,
                                                               renewing=refresh.renewing(), **ctx)

    def response(self, name: str, status: int = 200, **ctx: Any) -> web.Response:
        """A page with the console's security headers."""
        return web.Response(text=self.render(name, **ctx), status=status, content_type="text/html",
                            charset="utf-8", headers=HEADERS)

    def message(self, status: int, title: str, lines: list[str], viewer: object | None = None,
                link: tuple[str, str] | None = None) -> web.Response:
        """A page that explains something (an expired link, a group one may not open, an error)."""
        return self.response("message", status, title=title, lines=lines, viewer=viewer, link=link)


def json_response(data: object, status: int = 200) -> web.Response:
    """Console data for scripts: UTF-8 JSON with Chinese left readable."""
    return web.json_response(data, status=status, dumps=lambda o: json.dumps(o, ensure_ascii=False))
