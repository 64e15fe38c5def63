"""FAQ matcher: precision and recall on the paraphrase corpus (tests/domain/faq_corpus.py) at several
thresholds, and the cost of matching one question against many FAQs next to a plain rapidfuzz ratio over the
same texts (the baseline). A quality figure first: tests/domain/test_faq_match.py holds the shipped threshold to
a floor."""

from __future__ import annotations

import sys
import time
from typing import Any

from common import ROOT

sys.path.insert(0, str(ROOT))  # the corpus lives with the tests that check it
from rapidfuzz import fuzz

from bot.domain.faq_match import best_match, core
from tests.domain.faq_corpus import FAQS, NEAR_MISSES, PARAPHRASES, evaluate

THRESHOLDS = (0.6, 0.7, 0.75, 0.8, 0.9)
SPEED_FAQS = 100


def _per_question_us(fn: Any, questions: list[str]) -> float:
    rounds, t = 0, time.perf_counter()
    while time.perf_counter() - t < 0.5:
        for q in questions:
            fn(q)
        rounds += 1
    return (time.perf_counter() - t) / (rounds * len(questions)) * 1e6


def run_faq(log: Any) -> dict[str, Any]:
    log(f"faq: {len(PARAPHRASES)} paraphrases and {len(NEAR_MISSES)} near-misses against {len(FAQS)} FAQs")
    rows = []
    for th in THRESHOLDS:
        precision, recall, notes = evaluate(th)
        rows.append({"threshold": th, "precision": precision, "recall": recall, "notes": notes})
    faqs = [f"{q}（{i}）" for i in range(SPEED_FAQS // len(FAQS) + 1) for q in FAQS.values()][:SPEED_FAQS]
    questions = [q for q, _ in PARAPHRASES] + NEAR_MISSES
    ours = _per_question_us(lambda q: best_match(q, faqs, 0.75), questions)
    cores = [core(f) for f in faqs]
    base = _per_question_us(lambda q: max(fuzz.ratio(q, c) for c in cores), questions)
    return {"paraphrases": len(PARAPHRASES), "near_misses": len(NEAR_MISSES), "faqs": len(FAQS), "rows": rows,
            "match_us": ours, "baseline_us": base, "speed_faqs": SPEED_FAQS}


def table(res: dict[str, Any]) -> list[str]:
    out = ["", f"faq matcher — {res['paraphrases']} paraphrases (Simplified, Traditional, full-width) and "
               f"{res['near_misses']} near-misses against {res['faqs']} FAQs; shipped faq_threshold = 0.75",
           "| threshold | precision | recall | misses and false matches |", "|---|---|---|---|"]
    for r in res["rows"]:
        out.append(f"| {r['threshold']:.2f} | {r['precision']:.2f} | {r['recall']:.2f} | "
                   f"{'; '.join(r['notes']) or '–'} |")
    out.append(f"one question against {res['speed_faqs']} FAQs: {res['match_us']:,.0f} µs "
               f"(plain rapidfuzz ratio over the same texts: {res['baseline_us']:,.0f} µs, "
               f"×{res['match_us'] / res['baseline_us']:.1f})")
    return out
