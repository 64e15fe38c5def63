"""Message catalogs. zh-CN is the source language: every message is written once, in Chinese, and that text is
its id (``msgid``); another locale translates it in ``templates/locale/<locale>/LC_MESSAGES/messages.po``.

The ``.po`` files ship as package data and are read directly with Babel (compiled to a GNU catalog in memory
on first use), so a fresh ``pip install .`` needs no build step. Templates translate with jinja2's i18n
extension (``{% trans %}`` / ``_()``); Python code marks a text with :func:`N_` where it is written and
translates it with :func:`gettext` where it is shown. ``python -m bot.faces.catalog`` rewrites the template
(``messages.pot``) and merges it into each locale's ``.po``.
"""

from __future__ import annotations

import gettext as _gettext
import io
from functools import cache
from importlib.resources import files

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

SOURCE_LOCALE = "zh-CN"
LOCALES = ("zh-CN", "en")


def N_(message: str) -> str:
    """Mark ``message`` for the catalog where it is written; it is translated where it is shown."""
    return message


def po_path(locale: str) -> str:
    """Where ``locale``'s catalog lives inside the ``templates`` package."""
    return f"locale/{locale}/LC_MESSAGES/messages.po"


@cache
def translations(locale: str) -> _gettext.NullTranslations:
    """The catalog of ``locale``: identity for the source language and for a locale without a catalog."""
    if locale == SOURCE_LOCALE:
        return _gettext.NullTranslations()
    po = files("templates").joinpath(*po_path(locale).split("/"))
    try:
        raw = po.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return _gettext.NullTranslations()
    catalog = read_po(io.BytesIO(raw), locale=locale.replace("-", "_"))
    mo = io.BytesIO()
    write_mo(mo, catalog)  # fuzzy entries are left out: a guess is never shown
    mo.seek(0)
    return _gettext.GNUTranslations(mo)


def gettext(locale: str, message: str) -> str:
    """``message`` (a zh-CN text) in ``locale``."""
    return translations(locale).gettext(message) if message else message


def ngettext(locale: str, singular: str, plural: str, n: int) -> str:
    return translations(locale).ngettext(singular, plural, n)
