"""Normalization (NFKC, case fold, Traditional → Simplified) and one-pass multi-keyword matching."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.config import TagRule
from bot.core.textnorm import KeywordAutomaton, normalize
from handlers.tagging import Tagger


@pytest.mark.parametrize(("raw", "norm"), [
    ("紅酒", "红酒"),
    ("ＷＩＮＥ", "wine"),
    ("Wine", "wine"),
    ("攝影愛好者", "摄影爱好者"),
    ("２０１８年的赤霞珠", "2018年的赤霞珠"),
    ("ｃａｆé", "café"),
    ("旅遊", "旅游"),
])
def test_normalize(raw: str, norm: str) -> None:
    assert normalize(raw) == norm


def test_tagger_matches_variants_once_per_tag() -> None:
    tagger = Tagger([TagRule("红酒", ("红酒", "葡萄酒", "wine")), TagRule("旅行", ("旅游",))])
    assert tagger.match("紅酒加ＷＩＮＥ，再來點葡萄酒") == [("红酒", "红酒")]
    assert tagger.match("下周去旅遊，喝點wine") == [("旅行", "旅游"), ("红酒", "wine")]
    assert tagger.match("今天天气不错") == []


def test_automaton_reports_first_keyword_by_position() -> None:
    auto = KeywordAutomaton([("a", "葡萄酒"), ("a", "红酒")])
    assert auto.first_hits(normalize("先喝红酒再喝葡萄酒")) == {"a": "红酒"}


def test_many_rules_one_pass() -> None:
    rules = [TagRule(f"t{i}", (f"词{i}号",)) for i in range(3000)]
    tagger = Tagger(rules)
    assert tagger.match("这里有词2999号和词7号") == [("t2999", "词2999号"), ("t7", "词7号")]


@given(st.text())
def test_normalize_is_idempotent(s: str) -> None:
    once = normalize(s)
    assert normalize(once) == once
