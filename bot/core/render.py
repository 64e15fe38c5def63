"""One jinja2 environment over the packaged templates: ``templates/<locale>/<name>.j2``.

Templates render data only (no queries), with StrictUndefined so a missing value fails loudly. They
produce plain text; each adapter escapes it for its own markup on the way out. Times arrive as unix seconds
and are shown with the ``utc`` filter.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

import jinja2

from bot.core.timeutil import iso_utc

DEFAULT_LOCALE = "zh-CN"


def _load(name: str) -> str | None:
    path = files("templates").joinpath(*name.split("/"))
    try:
        return path.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


class Renderer:
    def __init__(self) -> None:
        self.env = jinja2.Environment(loader=jinja2.FunctionLoader(_load), undefined=jinja2.StrictUndefined,
                                      autoescape=False, trim_blocks=True, lstrip_blocks=True,
                                      keep_trailing_newline=False)
        self.env.filters["utc"] = iso_utc  # unix seconds → the contract's 2026-11-20T08:00:00Z

    def __call__(self, template: str, locale: str = DEFAULT_LOCALE, /, **data: Any) -> str:
        """Render ``name`` for ``locale``, falling back to zh-CN."""
        try:
            tpl = self.env.get_template(f"{locale}/{template}.j2")
        except jinja2.TemplateNotFound:
            tpl = self.env.get_template(f"{DEFAULT_LOCALE}/{template}.j2")
        return tpl.render(**data).strip()
