"""Text normalization and multi-keyword matching: the one typed wrapper around opencc and pyahocorasick.

Matching runs on normalized text — Unicode NFKC, case-folded, Traditional folded to Simplified — so
``紅酒`` and ``ＷＩＮＥ`` match ``红酒`` and ``wine`` (contract §5).

Every analysis of member text (command parsing, question and link signals, keyword tags, check-in words,
gate and survey answers) starts from :func:`analysis_text`, so it looks at most at ``ANALYSIS_CHARS``
characters whatever a member sends, and every scan over that text is linear (no backtracking regex).
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections.abc import Iterable
from functools import lru_cache

import ahocorasick
import opencc

ANALYSIS_CHARS = 4096
"""How much of one member text any analysis looks at. A message may be as long as a webhook body (1 MiB);
no command, question, keyword or answer needs more than a few KiB. On this head every analysis of one
message together takes about a millisecond whatever the text, so it stays on the event loop (handing it to a
thread would cost more). The text a group stores (``store_text``) is not cut."""


def analysis_text(text: str) -> str:
    """The NFKC form of the head of ``text`` that analysis looks at (cut before normalizing, since one
    character may expand to many, and after)."""
    return unicodedata.normalize("NFKC", text[:ANALYSIS_CHARS])[:ANALYSIS_CHARS]


def as_written(raw: str, normalized_tail: str) -> str:
    """The end of ``raw`` that reads as ``normalized_tail`` after NFKC, as the member wrote it (a full-width
    comma stays full-width); ``normalized_tail`` itself when no such end exists (the text was cut). Linear: it
    walks back from the end one character at a time."""
    text = raw[:ANALYSIS_CHARS].rstrip()
    i, length = len(text), 0
    while i > 0 and length < len(normalized_tail):
        i -= 1
        length += len(unicodedata.normalize("NFKC", text[i]))
    tail = text[i:]
    return tail if unicodedata.normalize("NFKC", tail) == normalized_tail else normalized_tail


def small_int(text: str, digits: int = 6) -> int | None:
    """``text`` as a non-negative integer of at most ``digits`` ASCII digits, else None. Member input such as
    ``/news rm 𐩀`` or 5,000 digits is no number (``str.isdigit`` accepts both; ``int`` would raise)."""
    if not 0 < len(text) <= digits or not text.isascii() or not text.isdigit():
        return None
    return int(text)


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalize(text: str) -> str:
    """NFKC → Traditional→Simplified → casefold (the order keeps full-width Latin foldable), of the
    analysed head of ``text``."""
    s = analysis_text(text)
    s = str(_t2s().convert(s))
    return s.casefold()


class KeywordAutomaton:
    """All keywords of all rules in one Aho-Corasick automaton: one pass per text, any rule count.

    A label may have exclusion phrases: a keyword hit lying inside an occurrence of one of its own label's
    exclusions does not count (``求推荐`` keeps ``推荐`` from counting as praise), while another hit of the same
    label elsewhere in the text still does. Exclusions ride in the same automaton, so it stays one pass; deciding
    which hits they cover is a sort and a binary search per hit, never a rescan.
    """

    def __init__(self, pairs: Iterable[tuple[str, str]], exclusions: Iterable[tuple[str, str]] = ()) -> None:
        """``pairs`` are (label, keyword), ``exclusions`` (label, phrase); both are normalized here."""
        self._auto = ahocorasick.Automaton()
        table: dict[str, list[tuple[str, str, bool]]] = {}
        for excluding, entries in ((False, pairs), (True, exclusions)):
            for label, word in entries:
                norm = normalize(word)
                if norm:
                    table.setdefault(norm, []).append((label, word, excluding))
        self._excluding = any(excluding for entries in table.values() for _l, _w, excluding in entries)
        for norm, labels in table.items():
            self._auto.add_word(norm, (len(norm), tuple(labels)))
        self.size = len(table)
        if self.size:
            self._auto.make_automaton()

    def first_hits(self, normalized_text: str) -> dict[str, str]:
        """label → the first keyword (by position) that matched in already-normalized text and lies inside none
        of its label's exclusions."""
        found: dict[str, str] = {}
        if not self.size or not normalized_text:
            return found
        if not self._excluding:
            for _end, (_n, labels) in self._auto.iter(normalized_text):
                for label, keyword, _excluding in labels:
                    if label not in found:
                        found[label] = keyword
            return found
        hits: list[tuple[int, int, str, str]] = []
        covered: dict[str, list[tuple[int, int]]] = {}
        for end, (n, labels) in self._auto.iter(normalized_text):
            for label, word, excluding in labels:
                if excluding:
                    covered.setdefault(label, []).append((end - n + 1, end))
                else:
                    hits.append((end - n + 1, end, label, word))
        reach = {label: _reach(spans) for label, spans in covered.items()}
        for start, end, label, keyword in hits:  # in end order, as the automaton reported them
            if label not in found and not _inside(reach.get(label), start, end):
                found[label] = keyword
        return found


def _reach(spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Exclusion spans as (starts ascending, the furthest end among the spans starting at or before each)."""
    spans.sort()
    starts, ends, furthest = [], [], -1
    for a, b in spans:
        furthest = max(furthest, b)
        starts.append(a)
        ends.append(furthest)
    return starts, ends


def _inside(reach: tuple[list[int], list[int]] | None, start: int, end: int) -> bool:
    """Whether ``start..end`` lies inside one exclusion span: one that starts at or before ``start`` reaches
    ``end`` (the furthest such end decides)."""
    if reach is None:
        return False
    starts, ends = reach
    i = bisect_right(starts, start)
    return i > 0 and ends[i - 1] >= end
