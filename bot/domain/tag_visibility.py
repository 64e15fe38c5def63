"""Which tag names may appear in a post the whole group reads.

Tag categories carry a visibility: ``interest`` and ``channel`` are ``public``; every other category
(``motive``, ``feedback``, ``need``, ``activity``, hand-given ``manual`` …) is for ``admins`` only, because
a label such as 价格敏感 describes members to operators, not to each other. ``[tagging.visibility]`` may
change a category, ``[[tags]] visibility`` one tag. Group posts filter their tag lists through
:func:`public_tags`; admin replies and private digests show everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from bot.core.config import Config
from bot.core.config.content import PUBLIC_CATEGORIES
from bot.domain.activity_tags import ACTIVITY_TAGS
from bot.domain.manual_tags import category_of

T = TypeVar("T")


def visibility_of(cfg: Config, tag: str) -> str:
    """``public`` or ``admins`` for one tag name: its own setting, else its category's."""
    rule = next((t for t in cfg.tags if t.name == tag), None)
    if rule is not None and rule.visibility:
        return rule.visibility
    category = category_of(cfg, tag)
    default = "public" if category in PUBLIC_CATEGORIES else "admins"
    return cfg.tagging.visibility.get(category, default)


def is_public(cfg: Config) -> Callable[[str], bool]:
    """A predicate over tag names: may this one be shown to the group?"""
    cache: dict[str, bool] = {}

    def check(tag: str) -> bool:
        if tag not in cache:
            cache[tag] = visibility_of(cfg, tag) == "public"
        return cache[tag]
    return check


def public_tags(cfg: Config, items: Iterable[T], name: Callable[[T], str]) -> list[T]:
    """``items`` whose tag (``name(item)``) may be shown in a group post, in their order."""
    ok = is_public(cfg)
    return [i for i in items if ok(name(i))]


def names_private_tag(cfg: Config, text: str) -> bool:
    """Whether ``text`` (a segment's name or query) contains an admins-only tag name, so a group post must not
    repeat it (a segment saved as 价格敏感 would tell the group who was sorted under that motive)."""
    known = {t.name for t in cfg.tags} | set(ACTIVITY_TAGS)
    return any(name in text and visibility_of(cfg, name) != "public" for name in known)
