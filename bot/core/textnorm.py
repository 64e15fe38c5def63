"""Text normalization and multi-keyword matching: the one typed wrapper around opencc and pyahocorasick.

Matching runs on normalized text — Unicode NFKC, case-folded, Traditional folded to Simplified — so
``紅酒`` and ``ＷＩＮＥ`` match ``红酒`` and ``wine`` (contract §5).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import ahocorasick
import opencc


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalize(text: str) -> str:
    """NFKC → Traditional→Simplified → casefold (the order keeps full-width Latin foldable)."""
    s = unicodedata.normalize("NFKC", text)
    s = str(_t2s().convert(s))
    return s.casefold()


class KeywordAutomaton:
    """All keywords of all rules in one Aho-Corasick automaton: one pass per text, any rule count."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        """``pairs`` are (label, keyword); keywords are normalized here."""
        self._auto = ahocorasick.Automaton()
        table: dict[str, list[tuple[str, str]]] = {}
        for label, keyword in pairs:
            norm = normalize(keyword)
            if norm:
                table.setdefault(norm, []).append((label, keyword))
        for norm, labels in table.items():
            self._auto.add_word(norm, tuple(labels))
        self.size = len(table)
        if self.size:
            self._auto.make_automaton()

    def first_hits(self, normalized_text: str) -> dict[str, str]:
        """label → the first keyword (by position) that matched in already-normalized text."""
        found: dict[str, str] = {}
        if not self.size or not normalized_text:
            return found
        for _end, labels in self._auto.iter(normalized_text):
            for label, keyword in labels:
                if label not in found:
                    found[label] = keyword
        return found
