"""The pure parts of the morning report's news: a dated Markdown file's items, the keyword filter, the
8-item choice (oldest queued first), and feed documents that are not feeds."""

from __future__ import annotations

import pytest

from bot.core.config.content import SourceConfig
from bot.domain.reports.feed_parse import NotAFeed, parse_feed
from bot.domain.reports.sources import NewsPick, choose, markdown_items, wanted


def test_each_list_item_or_paragraph_is_one_item_headings_skipped_words_as_written():
    text = ("# 12月1日\n\n- 周六 14:00 品酒会!!\n  第二行属于同一条\n* 新品：半价～\n1. 编号也算一条\n\n"
            "一段话，\n写了两行。\n")
    assert markdown_items(text) == ["周六 14:00 品酒会!!\n  第二行属于同一条", "新品：半价～", "编号也算一条",
                                    "一段话，\n写了两行。"]


def test_include_and_exclude_words():
    src = SourceConfig(kind="feed", url="https://x", include=("红酒", "Wine"), exclude=("广告",))
    assert wanted(src, "波尔多红酒") and wanted(src, "new WINE list")
    assert not wanted(src, "相机新闻") and not wanted(src, "红酒广告")


def test_at_most_eight_oldest_queued_first_whatever_the_source():
    queued = [(i, f"q{i}", 100.0 + i) for i in range(1, 8)]
    picks = [NewsPick("feed-old", 50.0, key="f#1", source="feed"), NewsPick("feed-new", 200.0, key="f#2")]
    assert [p.text for p in choose(queued, picks)] == ["feed-old", *[f"q{i}" for i in range(1, 8)]]


@pytest.mark.parametrize("body", [b"", b"<html><body>502</body></html>", b"\x00\xff\xfe junk", b"{\"json\": 1}"])
def test_anything_but_rss_or_atom_is_not_a_feed(body):
    with pytest.raises(NotAFeed):
        parse_feed(body, 0.0)
