"""The shipped taxonomy (``[[tags]]`` of config.example.toml) measured against a hand-tagged group chat.

``tests/fixtures/taxonomy/group_chat.tsv`` holds a few hundred messages as members of a lifestyle / wine community
write them, each with the tags a careful admin would give its sender. :func:`evaluate` runs the real tagger
over them and counts, per tag and over all (message, tag) pairs, the hits that were right (true positives), the
hits that were wrong (false positives) and the tags it missed (false negatives). ``tests/domain/
test_taxonomy.py`` holds the figures to a floor; ``make bench`` (``BENCH_ONLY=taxonomy``) prints them.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.config import TagRule
from handlers.tagging import Tagger

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "fixtures" / "taxonomy" / "group_chat.tsv"
EXAMPLE = ROOT / "config.example.toml"


@dataclass(frozen=True, slots=True)
class Line:
    """One message and the tags its sender should get for it."""

    text: str
    expected: frozenset[str]


@dataclass(slots=True)
class Counts:
    """Right hits, wrong hits and misses; precision and recall are 1.0 when there is nothing to count."""

    right: int = 0
    wrong: int = 0
    missed: int = 0

    @property
    def precision(self) -> float:
        return self.right / (self.right + self.wrong) if self.right + self.wrong else 1.0

    @property
    def recall(self) -> float:
        return self.right / (self.right + self.missed) if self.right + self.missed else 1.0


@dataclass(slots=True)
class Scores:
    """Over all (message, tag) pairs, per tag, and the messages tagged wrongly (text, expected, got)."""

    lines: int
    overall: Counts = field(default_factory=Counts)
    by_tag: dict[str, Counts] = field(default_factory=dict)
    mistakes: list[tuple[str, frozenset[str], frozenset[str]]] = field(default_factory=list)


def corpus(path: Path = CORPUS) -> list[Line]:
    """The corpus lines: ``TAGS<TAB>TEXT``, tags comma-separated (empty: none); ``#`` lines are comments."""
    out = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        tags, _, text = raw.partition("\t")
        out.append(Line(text, frozenset(t for t in tags.split(",") if t)))
    return out


def shipped_rules(path: Path = EXAMPLE) -> tuple[TagRule, ...]:
    """The ``[[tags]]`` config.example.toml ships, read as quntag reads them."""
    from bot.faces.settings import parse

    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return parse(data, path.parent, env={}).tags


def evaluate(rules: Sequence[TagRule], lines: Sequence[Line]) -> Scores:
    tagger = Tagger(rules)
    scores = Scores(len(lines), by_tag={r.name: Counts() for r in rules})
    for line in lines:
        got = frozenset(tag for tag, _kw in tagger.match(line.text))
        for tag in got | line.expected:
            counts = scores.by_tag.setdefault(tag, Counts())
            for c in (counts, scores.overall):
                if tag in got and tag in line.expected:
                    c.right += 1
                elif tag in got:
                    c.wrong += 1
                else:
                    c.missed += 1
        if got != line.expected:
            scores.mistakes.append((line.text, line.expected, got))
    return scores


def report(scores: Scores) -> list[str]:
    """The figures as printed lines: overall, then one line per tag."""
    o = scores.overall
    out = [f"taxonomy — {scores.lines} hand-tagged chat lines ({CORPUS.relative_to(ROOT)}), "
           f"[[tags]] of config.example.toml",
           f"overall: precision {o.precision:.1%}  recall {o.recall:.1%}  "
           f"(right {o.right}, wrong {o.wrong}, missed {o.missed})",
           "| tag | precision | recall | right | wrong | missed |", "|---|---|---|---|---|---|"]
    for tag, c in sorted(scores.by_tag.items(), key=lambda kv: (kv[1].precision, kv[1].recall, kv[0])):
        out.append(f"| {tag} | {c.precision:.0%} | {c.recall:.0%} | {c.right} | {c.wrong} | {c.missed} |")
    return out
