"""The FAQ matcher on its paraphrase corpus: paraphrases (Simplified, Traditional, full-width, reordered, with
filler) find their FAQ, near-misses that share words with a FAQ find none."""

from __future__ import annotations

from bot.domain.faq_match import best_match, core, similarity
from tests.domain.faq_corpus import FAQS, NEAR_MISSES, PARAPHRASES, evaluate

THRESHOLD = 0.75  # the shipped faq_threshold


def scores(threshold: float = THRESHOLD) -> tuple[float, float]:
    precision, recall, _notes = evaluate(threshold)
    return precision, recall


def test_the_corpus_is_large_enough():
    assert len(PARAPHRASES) >= 40 and len(NEAR_MISSES) >= 15


def test_precision_and_recall_at_the_shipped_threshold():
    precision, recall = scores()
    assert precision == 1.0
    assert recall >= 0.95


def test_a_stricter_threshold_trades_recall_for_nothing_else():
    strict_precision, strict_recall = scores(0.95)
    assert strict_precision == 1.0 and strict_recall < scores()[1]


def test_traditional_and_full_width_read_as_simplified():
    assert core("發票怎麼開？") == core("发票怎么开?") == core("请问　发票怎么开？！")
    assert similarity("ＶＩＰ會員怎麼開通", "vip会员怎么开通") == 1.0


def test_reordered_halves_and_question_words_still_match():
    assert similarity("怎么开通会员？", "会员怎么开通？") >= THRESHOLD
    assert similarity("会员如何开通", "会员怎么开通") == 1.0


def test_the_same_topic_asking_something_else_does_not_match():
    assert similarity("会员怎么取消？", "会员怎么开通？") < THRESHOLD
    assert similarity("", "会员怎么开通？") == 0.0
    assert best_match("优惠券什么时候过期？", list(FAQS.values()), THRESHOLD) is None


def test_long_text_stays_fast():
    import time

    text = "请问" + "红酒" * 2000 + "怎么保存？"
    t = time.perf_counter()
    best_match(text, list(FAQS.values()) * 10, THRESHOLD)
    assert time.perf_counter() - t < 1.0
