"""One template per message, ``templates/messages/<name>.j2``, written in zh-CN and translated through the
message catalogs (:mod:`bot.core.i18n`) with jinja2's i18n extension: one jinja2 environment per locale.

Templates render data only (no queries), with StrictUndefined so a missing value fails loudly. They produce
plain text; each adapter escapes it for its own markup on the way out. Times arrive as unix seconds and are
shown with ``when(tz)`` in the group's local time (``11月29日 04:03`` / ``Nov 29, 04:03``); names of stages,
tiers, categories and sources go through ``label`` so both languages read naturally.
"""

from __future__ import annotations

from datetime import date
from importlib.resources import files
from typing import Any

import jinja2

from bot.core import i18n
from bot.core.labels import label, weekday
from bot.core.timeutil import local, parse_iso

DEFAULT_LOCALE = i18n.SOURCE_LOCALE
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _load(name: str) -> str | None:
    path = files("templates").joinpath(*name.split("/"))
    try:
        return path.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def when(ts: float | str | None, tz: str, locale: str = DEFAULT_LOCALE) -> str:
    """Unix seconds (or a stored ISO-8601 time) → the local date and time as people write it: ``11月29日 04:03``
    / ``Nov 29, 04:03``."""
    if ts is None or ts == "":
        return "—"
    if isinstance(ts, str):
        ts = parse_iso(ts)
    t = local(ts, tz)
    if locale == DEFAULT_LOCALE:
        return f"{t.month}月{t.day}日 {t:%H:%M}"
    return f"{_MONTHS_EN[t.month - 1]} {t.day}, {t:%H:%M}"


def day(iso: str, locale: str = DEFAULT_LOCALE) -> str:
    """An ISO date → ``11月29日`` / ``Nov 29``."""
    d = date.fromisoformat(iso)
    return f"{d.month}月{d.day}日" if locale == DEFAULT_LOCALE else f"{_MONTHS_EN[d.month - 1]} {d.day}"


def hours(values: list[int], locale: str = DEFAULT_LOCALE) -> str:
    """Hours of the day as clock times: ``08:00、21:00`` / ``08:00, 21:00``."""
    return i18n.gettext(locale, "、").join(f"{h:02d}:00" for h in values)


def schedule(spec: str, locale: str = DEFAULT_LOCALE) -> str:
    """A schedule as people say it: ``08:00`` → 每天 08:00, ``mon 09:00`` → 每周一 09:00; a crontab as written."""
    from bot.core.scheduler import ScheduleError, parse_hhmm, weekday_index

    parts = spec.split()
    try:
        if len(parts) == 1:
            h, m = parse_hhmm(parts[0])
            return i18n.gettext(locale, i18n.N_("每天 %(time)s")) % {"time": f"{h:02d}:{m:02d}"}
        if len(parts) == 2 and (day := weekday_index(parts[0])) is not None:
            h, m = parse_hhmm(parts[1])
            return i18n.gettext(locale, i18n.N_("每%(day)s %(time)s")) % {"day": weekday(day, locale),
                                                                 "time": f"{h:02d}:{m:02d}"}
    except ScheduleError:
        pass
    return spec


def environment(locale: str) -> jinja2.Environment:
    """The template environment of ``locale``: catalogs installed, ``when`` and ``tr`` bound to it."""
    env = jinja2.Environment(loader=jinja2.FunctionLoader(_load), undefined=jinja2.StrictUndefined,
                             autoescape=False, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False,
                             extensions=["jinja2.ext.i18n"])
    env.policies["ext.i18n.trimmed"] = True  # a long sentence may wrap in the template; one line in the catalog
    env.install_gettext_translations(i18n.translations(locale), newstyle=True)  # type: ignore[attr-defined]
    env.filters["when"] = lambda ts, tz: when(ts, tz, locale)
    env.filters["tr"] = lambda text: i18n.gettext(locale, text)  # a catalog text chosen in Python (N_)
    env.filters["label"] = lambda code, kind: label(kind, code, locale)
    env.filters["hours"] = lambda values: hours(values, locale)
    env.filters["day"] = lambda iso: day(iso, locale)
    env.filters["schedule"] = lambda spec: schedule(spec, locale)
    env.globals["locale"] = locale
    return env


class Renderer:
    """Renders a message template for a locale (zh-CN when the locale has no catalog)."""

    def __init__(self) -> None:
        self._envs: dict[str, jinja2.Environment] = {}

    def env(self, locale: str) -> jinja2.Environment:
        if locale not in i18n.LOCALES:
            locale = DEFAULT_LOCALE
        if locale not in self._envs:
            self._envs[locale] = environment(locale)
        return self._envs[locale]

    def __call__(self, template: str, locale: str = DEFAULT_LOCALE, /, **data: Any) -> str:
        """Render ``templates/messages/<template>.j2`` in ``locale``."""
        return self.env(locale).get_template(f"messages/{template}.j2").render(**data).strip()

    def text(self, locale: str, message: str) -> str:
        """A catalog text chosen in Python (marked with ``N_``) in ``locale``."""
        return i18n.gettext(locale, message)
