"""No zh-CN rendering contains Latin words other than names, ids the operator typed, URLs and command names
(``/help``); every message renders in every locale, and English renderings carry no Chinese of ours."""

from __future__ import annotations

import re

import pytest

from bot.core.i18n import LOCALES
from bot.core.render import Renderer
from tests.i18n.samples import ALLOWED, samples

RENDER = Renderer()

LATIN = re.compile(r"(?<![/\w])[A-Za-z][A-Za-z'-]*")
CJK = re.compile(r"[\u4e00-\u9fff]")


def strings(value: object) -> list[str]:
    """Every text inside a sample's data: what members and operators wrote, passed through as written."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*strings(k), *strings(v))]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in strings(v)]
    if hasattr(value, "__dict__"):
        return strings(vars(value))
    if hasattr(value, "__slots__"):
        return [s for n in value.__slots__ for s in strings(getattr(value, n, None))]
    return []


def latin_words(text: str) -> list[str]:
    for allowed in sorted(ALLOWED, key=len, reverse=True):
        text = text.replace(allowed, " ")
    return LATIN.findall(text)


@pytest.mark.parametrize(("template", "data"), samples(), ids=lambda v: v if isinstance(v, str) else "")
def test_zh_cn_renderings_have_no_latin_words(template, data):
    text = RENDER(template, "zh-CN", **data)
    assert text.strip()
    assert latin_words(text) == [], text


@pytest.mark.parametrize(("template", "data"), samples(), ids=lambda v: v if isinstance(v, str) else "")
def test_english_renderings_are_english(template, data):
    text = RENDER(template, "en", **data)
    for written in sorted(strings(data), key=len, reverse=True):  # member-written text stays as written
        text = text.replace(written, "")
    assert CJK.findall(text) == [], text


def test_every_template_has_a_sample():
    from importlib.resources import files

    shipped = {e.name.removesuffix(".j2") for e in files("templates").joinpath("messages").iterdir()
               if e.name.endswith(".j2")}
    assert shipped == {t for t, _d in samples()}
    assert LOCALES == ("zh-CN", "en")
