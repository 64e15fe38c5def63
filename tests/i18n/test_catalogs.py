"""Message catalogs: every message a reply can show has a translation in every shipped locale, the catalogs
ship with the package, and a template's placeholders survive translation."""

from __future__ import annotations

import re
from importlib.resources import files

from babel.messages.pofile import read_po

from bot.core import i18n
from bot.faces.catalog import messages

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _catalog(locale: str):
    with files("templates").joinpath(*i18n.po_path(locale).split("/")).open("rb") as fh:
        return read_po(fh, locale=locale.replace("-", "_"))


def test_every_message_has_a_translation_in_every_shipped_locale():
    used = messages()
    assert len(used) > 300  # templates, N_ labels and command help lines are all found
    for locale in i18n.LOCALES:
        if locale == i18n.SOURCE_LOCALE:
            continue  # the source language: the message is its own text
        catalog = _catalog(locale)
        untranslated = [m for m in used if not (catalog.get(m) and catalog.get(m).string)]
        fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
        assert untranslated == [], f"{locale}: untranslated {untranslated[:5]}"
        assert fuzzy == [], f"{locale}: fuzzy {fuzzy[:5]}"


def test_translations_keep_every_placeholder_and_contain_no_chinese():
    for locale in i18n.LOCALES:
        if locale == i18n.SOURCE_LOCALE:
            continue
        for m in _catalog(locale):
            if not m.id:
                continue
            assert set(PLACEHOLDER.findall(m.string)) == set(PLACEHOLDER.findall(m.id)), m.id
            if locale == "en" and not re.search(r"[红酒摄影]", m.id):  # a query example keeps its tag names
                assert not re.search(r"[\u4e00-\u9fff]", m.string), m.string


def test_a_locale_without_a_catalog_reads_the_source_language():
    assert i18n.gettext("fr", "已关闭") == "已关闭"
    assert i18n.gettext("en", "已关闭") == "off"
