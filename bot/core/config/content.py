"""Config for the morning report's content: ``[[defaults.sources]]`` / ``[[groups.sources]]`` (feeds and
folders of dated Markdown files), the 今日话题 list (``topics``), and which tag categories may be shown in
group posts (``[tagging.visibility]``, ``[[tags]] visibility``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.core.config.schema import ConfigError, Section

VISIBILITIES = ("public", "admins")
# categories whose tag names may appear in a group post unless the config says otherwise; every other category
# (motive, feedback, need, activity, manual, survey …) is for admins only
PUBLIC_CATEGORIES = ("interest", "channel")
DEFAULT_TOPICS = (
    "你最近在读的一本书或看的一部剧是什么？",
    "分享一个最近让你开心的小事。",
    "你用过最值得推荐的一个小工具是什么？",
    "周末最理想的安排是什么？",
    "入群以来学到的最有用的一件事是什么？",
    "如果有一天完全空闲，你会怎么过？",
    "说说你最近想学的一项新技能。",
)


@dataclass(frozen=True, slots=True)
class SourceConfig:
    """One ``[[sources]]`` table: a feed (``url``) or a folder of ``YYYY-MM-DD.md`` files (``path``)."""

    kind: str  # feed | folder
    url: str = ""
    path: str = ""  # absolute (resolved against the config file's folder)
    max_items: int = 3
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """What the items of this source are remembered under (so each is used once)."""
        return f"feed:{self.url}" if self.kind == "feed" else f"folder:{self.path}"


def parse_sources(raw: list[Any], where: str, base_dir: Path) -> tuple[SourceConfig, ...]:
    out: list[SourceConfig] = []
    for i, item in enumerate(raw):
        key = f"{where}[{i}]"
        s = Section(item, key)
        kind = s.choice("kind", ("feed", "folder"), "feed")
        url = s.text("url", "") if kind == "feed" else ""
        path = s.text("path", "") if kind == "folder" else ""
        src = SourceConfig(kind=kind, url=url.strip(), path=str((base_dir / path).resolve()) if path.strip() else "",
                           max_items=s.integer("max_items", 3, 1, 8),
                           include=tuple(w for w in s.strings("include", []) if w.strip()),
                           exclude=tuple(w for w in s.strings("exclude", []) if w.strip()))
        s.done()
        if kind == "feed" and urlsplit(src.url).scheme not in ("http", "https"):
            raise ConfigError(f"{key}.url: a feed needs an http(s) URL, got {src.url!r}")
        if kind == "folder" and not src.path:
            raise ConfigError(f"{key}.path: a folder source needs a path")
        out.append(src)
    return tuple(out)


def parse_topics(s: Section, base: tuple[str, ...]) -> tuple[str, ...]:
    """``topics = [...]``: the rotating 今日话题; ``[]`` turns it off; unset keeps ``base``."""
    if "topics" not in s.raw:
        s.used.add("topics")
        return base
    return tuple(t for t in s.strings("topics") if t.strip())


def parse_visibility(raw: Mapping[str, Any]) -> Mapping[str, str]:
    """``[tagging.visibility]``: category → public | admins, over the shipped defaults."""
    s = Section(raw, "tagging.visibility")
    out = {k: s.choice(k, VISIBILITIES, "admins") for k in raw}
    s.done()
    return out
