"""``[[tags]] exclude``: a keyword hit inside one of the tag's exclusion phrases does not count."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.config import ConfigError, TagRule
from handlers.tagging import Tagger
from tests.conftest import make_config, message

PRAISE = TagRule("好评", ("推荐", "好喝"), "feedback", exclude=("求推荐", "有没有人推荐", "好喝吗"))
WINE = TagRule("红酒", ("红酒",), exclude=("红酒杯",))
NOW = float(int(time.time()))


@pytest.mark.parametrize(("text", "hits"), [
    ("求推荐一款干红", []),
    ("有没有人推荐一下周末去哪", []),
    ("这个好喝吗", []),
    ("强烈推荐这家", [("好评", "推荐")]),
    ("求推荐，上次那款真的好喝", [("好评", "好喝")]),  # another hit outside the phrase counts
    ("求推荐，我推荐这家", [("好评", "推荐")]),  # the same keyword again, outside the phrase
    ("買了新紅酒杯，求推薦", []),  # phrases match normalized text like keywords do
    ("红酒杯里倒的红酒", [("红酒", "红酒")]),
    ("红酒杯", []),
])
def test_hits_inside_an_exclusion_do_not_count(text, hits):
    assert Tagger([PRAISE, WINE]).match(text) == hits


def test_an_exclusion_only_covers_its_own_tag():
    other = TagRule("求助", ("求推荐",))
    assert Tagger([PRAISE, other]).match("求推荐一款干红") == [("求助", "求推荐")]


@given(st.text(alphabet="求推荐有没人好喝吗红酒杯 ", max_size=40))
def test_a_hit_counts_exactly_when_one_occurrence_lies_outside_every_exclusion(text):
    """Checked against a direct (quadratic) reading of the rule on arbitrary mixes of the words."""
    def counts(rule: TagRule) -> bool:
        for kw in rule.keywords:
            for i in range(len(text) - len(kw) + 1):
                if text[i:i + len(kw)] != kw:
                    continue
                inside = any(text[j:j + len(p)] == p and j <= i and i + len(kw) <= j + len(p)
                             for p in rule.exclude for j in range(len(text) - len(p) + 1))
                if not inside:
                    return True
        return False

    found = {tag for tag, _kw in Tagger([PRAISE, WINE]).match(text)}
    assert found == {r.name for r in (PRAISE, WINE) if counts(r)}


def test_config_reads_exclude_and_refuses_empty_phrases(tmp_path):
    cfg = make_config(tmp_path, tags=[{"name": "好评", "keywords": ["推荐"], "exclude": ["求推荐"]}])
    assert cfg.tags[0].exclude == ("求推荐",)
    assert make_config(tmp_path, tags=[{"name": "好评", "keywords": ["推荐"]}]).tags[0].exclude == ()
    with pytest.raises(ConfigError, match=r"tags\[0\]\.exclude"):
        make_config(tmp_path, tags=[{"name": "好评", "keywords": ["推荐"], "exclude": [" "]}])
    with pytest.raises(ConfigError, match=r"tags\[0\]\.exclude"):
        make_config(tmp_path, tags=[{"name": "好评", "keywords": ["推荐"], "exclude": "求推荐"}])


async def test_asking_for_recommendations_does_not_make_praise_the_top_tag(make_bot):
    bot = await make_bot(clock=lambda: NOW, tags=[
        {"name": "好评", "category": "feedback", "keywords": ["推荐"], "exclude": ["求推荐", "有没有人推荐"]},
        {"name": "红酒", "keywords": ["红酒", "干红"]}])
    for i, text in enumerate(["求推荐一款干红", "有没有人推荐红酒", "求推荐！", "这款红酒我推荐"]):
        await bot.post(message(f"m{i}", "u-1", text, NOW + i, name="张三"))
    await bot.settle()
    _, p = await bot.profile("generic:u-1")
    scores = {t["name"]: t["score"] for t in p["tags"]}
    assert scores == {"红酒": 3.0, "好评": 1.0}
    assert [e["message"] for e in p["tags"][1]["evidence"]] == ["m3"]
