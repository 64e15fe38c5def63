"""Which taught FAQ a member's question asks, if any: similarity on normalized text.

Both sides go through the tagger's normalization (:func:`bot.core.textnorm.normalize`: NFKC, full-width
folded, Traditional → Simplified, case-folded), then lose what does not change the question — punctuation,
spaces, politeness and filler (``请问``, ``大家好``, ``一下``, final particles) — and spell common question words
one way (``如何``/``怎样`` → ``怎么``, ``啥`` → ``什么``). The similarity of two such cores is the better of

- rapidfuzz's normalized Indel ratio (edit similarity in character order), and
- the Dice overlap of character bigrams, which forgives a word moved or added, and
- the Indel ratio with one side's two halves swapped (``怎么开发票`` / ``发票怎么开``),

so a paraphrase with the same words scores high, while a question that shares the topic word but asks
another thing (``会员怎么取消`` against ``会员怎么开通``) stays below the threshold. Pure and linear in the text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from bot.core.textnorm import normalize

# Longest first: each is removed from the text wherever it occurs.
FILLERS = tuple(sorted((
    "请问一下", "请问", "请教一下", "请教", "想问一下", "想问下", "问一下", "问下", "想问", "大家好", "大家", "各位",
    "有没有人知道", "有人知道", "谁知道", "有谁知道", "小伙伴们", "一下", "呀", "啊", "吗", "呢", "吧", "么", "嘛",
    "哦", "哈", "呐", "的", "了", "要",
), key=len, reverse=True))
SYNONYMS = (("怎么样", "怎么"), ("怎样", "怎么"), ("如何", "怎么"), ("咋", "怎么"), ("啥", "什么"),
            ("哪儿", "哪里"), ("可不可以", "可以"), ("能不能", "可以"), ("能否", "可以"), ("能", "可以"),
            ("使用", "用"), ("计算", "算"), ("忘记", "忘"), ("几点", "什么时候"), ("几时", "什么时候"),
            ("之后", "以后"), ("后", "以后"), ("以以后", "以后"))
ROTATE_MAX = 40
# Kept before removing fillers: "什么" holds "么", "怎么" holds "么" too.
_PROTECT = (("什么", "\x01"), ("怎么", "\x02"), ("这么", "\x03"), ("那么", "\x04"))


@lru_cache(maxsize=4096)
def core(text: str) -> str:
    """The part of a question that carries its meaning (see the module docstring)."""
    s = "".join(c for c in normalize(text) if c.isalnum())
    for word, mark in _PROTECT:
        s = s.replace(word, mark)
    for word in FILLERS:
        s = s.replace(word, "")
    for word, mark in _PROTECT:
        s = s.replace(mark, word)
    for word, canonical in SYNONYMS:
        s = s.replace(word, canonical)
    return s


@lru_cache(maxsize=4096)
def _grams(s: str) -> tuple[Counter[str], Counter[str]]:
    """(character pairs, characters) of a core, counted; cached with it (a FAQ's are computed once)."""
    return Counter(s[i:i + 2] for i in range(len(s) - 1)) or Counter([s]), Counter(s)


def _overlap(x: Counter[str], y: Counter[str]) -> float:
    """Dice coefficient of two multisets."""
    return 2 * sum((x & y).values()) / (x.total() + y.total())


def _rotated(a: str, b: str) -> float:
    """The best Indel ratio of ``b`` against ``a`` turned around one point: ``怎么开通会员`` is ``会员怎么开通``
    with its two halves swapped. Short questions only (quadratic in the length)."""
    if len(a) > ROTATE_MAX:
        return 0.0
    return max((fuzz.ratio(a[i:] + a[:i], b) for i in range(1, len(a))), default=0.0) / 100.0


def similarity(a: str, b: str, floor: float = 0.0) -> float:
    """How alike two questions are, in 0..1 (1: the same question once normalized). A result below ``floor``
    may be an underestimate: the costly swapped-halves ratio is skipped where it cannot reach ``floor``."""
    ca, cb = core(a), core(b)
    if not ca or not cb:
        return 0.0
    (pairs_a, chars_a), (pairs_b, chars_b) = _grams(ca), _grams(cb)
    best = max(fuzz.ratio(ca, cb) / 100.0, _overlap(pairs_a, pairs_b))
    # Any reordering keeps at most the shared characters: their Dice bounds the swapped ratio from above.
    if _overlap(chars_a, chars_b) > max(best, floor):
        best = max(best, _rotated(ca, cb))
    return best


@dataclass(frozen=True, slots=True)
class Match:
    index: int  # position in the candidates given
    score: float


def best_match(question: str, candidates: Sequence[str], threshold: float) -> Match | None:
    """The candidate most like ``question`` when it reaches ``threshold``; None otherwise."""
    best: Match | None = None
    for i, c in enumerate(candidates):
        s = similarity(question, c, best.score if best else threshold)
        if s >= threshold and (best is None or s > best.score):
            best = Match(i, s)
    return best
