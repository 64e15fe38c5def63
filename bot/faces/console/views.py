"""HTML for the console: one jinja2 environment over ``templates/console`` (autoescaped), the labels of
the console's language (``templates/console/<locale>.toml``) and the formats people read (dates in a
group's local time, signed percentages). Every page goes out with the same security headers."""

from __future__ import annotations

import tomllib
from datetime import date
from importlib.resources import files
from typing import Any

import jinja2
from aiohttp import web

from bot.core.timeutil import local

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


class Pages:
    """Renders console pages in one language."""

    def __init__(self, locale: str) -> None:
        self.locale = locale if locale in LOCALES else "zh-CN"
        self.t = labels(self.locale)
        self.fmt = Formats(self.locale)
        self.env = jinja2.Environment(loader=jinja2.FunctionLoader(_template), undefined=jinja2.StrictUndefined,
                                      autoescape=True, trim_blocks=True, lstrip_blocks=True)

    def render(self, name: str, **ctx: Any) -> str:
        return self.env.get_template(f"{name}.html.j2").render(t=self.t, fmt=self.fmt, lang=self.locale, **ctx)

    def response(self, name: str, status: int = 200, **ctx: Any) -> web.Response:
        """A page with the console's security headers."""
        return web.Response(text=self.render(name, **ctx), status=status, content_type="text/html",
                            charset="utf-8", headers=HEADERS)

    def message(self, status: int, title: str, lines: list[str], viewer: object | None = None,
                link: tuple[str, str] | None = None) -> web.Response:
        """A page that explains something (an expired link, a group one may not open, an error)."""
        return self.response("message", status, title=title, lines=lines, viewer=viewer, link=link)
