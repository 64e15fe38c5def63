"""Config of the morning report's content: sources (feeds, folders), 今日话题, tag visibility — and mistakes
stop the start naming the key."""

from __future__ import annotations

import pytest

from bot.core.config import ConfigError
from bot.core.config.content import DEFAULT_TOPICS
from bot.domain.tag_visibility import visibility_of
from tests.conftest import make_config

FEED = {"kind": "feed", "url": "https://example.com/feed.xml"}


def test_default_sources_serve_every_group_and_a_group_adds_its_own(tmp_path):
    cfg = make_config(tmp_path, defaults={"sources": [FEED]},
                      groups=[{"id": "generic:g-1", "sources": [{"kind": "folder", "path": "content"}, FEED]}])
    listed, unlisted = cfg.groups["generic:g-1"], cfg.group("generic:other")
    assert [s.kind for s in listed.sources] == ["feed", "folder"]  # the repeated feed once
    assert listed.sources[1].path == str((tmp_path / "content").resolve())
    assert unlisted is not None and [s.url for s in unlisted.sources] == [FEED["url"]]
    assert listed.sources[0].max_items == 3 and listed.topics == DEFAULT_TOPICS


@pytest.mark.parametrize(("source", "key"), [
    ({"kind": "rss", "url": "https://x"}, "groups[0].sources[0].kind"),
    ({"kind": "feed"}, "groups[0].sources[0].url"),
    ({"kind": "feed", "url": "ftp://x/feed"}, "groups[0].sources[0].url"),
    ({"kind": "folder"}, "groups[0].sources[0].path"),
    ({**FEED, "max_items": 0}, "groups[0].sources[0].max_items"),
    ({**FEED, "maxitems": 2}, "groups[0].sources[0].maxitems"),
])
def test_a_bad_source_names_its_key(tmp_path, source, key):
    with pytest.raises(ConfigError, match=key.replace("[", r"\[").replace("]", r"\]")):
        make_config(tmp_path, groups=[{"id": "generic:g-1", "sources": [source]}])


def test_visibility_by_category_by_config_and_by_tag(tmp_path):
    tags = [{"name": "红酒", "category": "interest", "keywords": ["红酒"]},
            {"name": "价格敏感", "category": "motive", "keywords": ["便宜"]},
            {"name": "求购", "category": "need", "keywords": ["求购"], "visibility": "public"},
            {"name": "包邮", "category": "channel", "keywords": ["包邮"], "visibility": "admins"}]
    cfg = make_config(tmp_path, tags=tags)
    assert [visibility_of(cfg, t) for t in ("红酒", "价格敏感", "求购", "包邮", "夜猫子", "手动")] == [
        "public", "admins", "public", "admins", "admins", "admins"]
    cfg = make_config(tmp_path, tags=tags, tagging={"visibility": {"motive": "public"}})
    assert visibility_of(cfg, "价格敏感") == "public"
    with pytest.raises(ConfigError, match=r"tagging.visibility.motive"):
        make_config(tmp_path, tags=tags, tagging={"visibility": {"motive": "everyone"}})
