"""Tagging: messages/s of ``Tagger.match`` (normalize + Aho-Corasick) vs a naive substring loop with the same
normalization, for 200 and 5,000 rules, in the same run. Normalization alone is shown too."""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from typing import Any

from common import chinese_text, make_rules

from bot.core.config import TagRule
from bot.core.textnorm import normalize
from handlers.tagging import Tagger


def rate(fn: Callable[[str], Any], texts: list[str], min_s: float) -> float:
    """Messages per second of ``fn`` over ``texts`` (repeated until ``min_s`` elapsed; best of 3)."""
    best = 0.0
    for _ in range(3):
        n, t0 = 0, time.perf_counter()
        while True:
            for t in texts:
                fn(t)
            n += len(texts)
            el = time.perf_counter() - t0
            if el >= min_s / 3:
                break
        best = max(best, n / el)
    return best


def naive_matcher(rules: list[TagRule]) -> Callable[[str], list[tuple[str, str]]]:
    pairs = [(r.name, normalize(kw)) for r in rules for kw in r.keywords]

    def match(text: str) -> list[tuple[str, str]]:
        norm = normalize(text)
        found: dict[str, str] = {}
        for tag, kw in pairs:
            if tag not in found and kw in norm:
                found[tag] = kw
        return sorted(found.items())

    return match


def run_tagging(log: Any) -> dict[str, Any]:
    rng = random.Random(3)
    texts = [chinese_text(rng) for _ in range(2000)]
    min_s = float(os.environ.get("BENCH_TAG_SECONDS", "3"))
    out: dict[str, Any] = {"texts": len(texts), "avg_chars": sum(map(len, texts)) / len(texts), "rules": []}
    norm_rate = rate(normalize, texts, min_s)
    out["normalize_per_s"] = norm_rate
    for n in (200, 5000):
        rules = [TagRule(name=name, keywords=tuple(kws), category=cat) for name, cat, kws in make_rules(n)]
        tagger = Tagger(rules)
        naive = naive_matcher(rules)
        sample = texts[:300]
        # same tags (the keyword named as evidence may differ: Tagger reports the first by position)
        assert all([a for a, _ in tagger.match(t)] == [a for a, _ in naive(t)] for t in sample), "tag sets differ"
        hits = sum(len(tagger.match(t)) for t in texts) / len(texts)
        ac = rate(tagger.match, texts, min_s)
        nv = rate(naive, texts[:500], min_s)
        row = {"rules": n, "keywords": sum(len(r.keywords) for r in rules), "hits_per_msg": hits,
               "tagger_per_s": ac, "naive_per_s": nv, "ratio": ac / nv}
        out["rules"].append(row)
        log(f"tagging {n} rules: Tagger {ac:,.0f} msg/s, naive {nv:,.0f} msg/s (x{ac / nv:.1f}), "
            f"{hits:.2f} tags/msg; normalize alone {norm_rate:,.0f}/s")
    return out


if __name__ == "__main__":
    run_tagging(print)
