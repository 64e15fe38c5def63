"""Keyword tag rules: ``[[tags]]`` from the config file, and the rule book in effect, which operators can
change while quntag runs (the console's tag rules page stores overrides in the database).

The book is one mutable object shared by everything built from a config (its ``rules`` field), so a change
reaches the tagger, profile building and segment queries at once. Its ``version`` rises with every change
(the tagger rebuilds its automaton when it sees a new one); its ``stamp`` names the stored overrides, the
same in every process, so a process can tell that another one changed them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Names that stay plain words of the segment query language (no operators, quotes or spaces).
NAME_FORBIDDEN = set('|&!()=<>" \t\r\n')
MAX_NAME = 32
MAX_KEYWORDS = 200
MAX_KEYWORD = 50
MAX_WEIGHT = 100.0
KEYWORD_CATEGORIES = ("interest", "motive", "need", "feedback")


@dataclass(frozen=True, slots=True)
class TagRule:
    """One ``[[tags]]`` entry. A keyword hit inside one of the ``exclude`` phrases does not count."""

    name: str
    keywords: tuple[str, ...]
    category: str = "interest"
    weight: float = 1.0
    exclude: tuple[str, ...] = ()
    visibility: str = ""  # public | admins; "" = the category's


def rule_problem(rule: TagRule) -> str | None:
    """Why ``rule`` cannot be used (the key and what is wrong, in English for the config file), or None."""
    if not rule.name.strip():
        return "name: must not be empty"
    if not rule.keywords or any(not k.strip() for k in rule.keywords):
        return "keywords: needs at least one non-empty keyword"
    if rule.weight < 0:
        return "weight: must be >= 0"
    if any(not p.strip() for p in rule.exclude):
        return "exclude: phrases must not be empty"
    return None


@dataclass(frozen=True, slots=True)
class RuleOverride:
    """A stored change to the book: ``rule`` replaces (or adds) the rule of that name; None switches the
    config file's rule of that name off."""

    name: str
    rule: TagRule | None
    updated_at: float
    updated_by: str


class RuleBook:
    """The tag rules in effect: the config file's, changed by the stored overrides."""

    def __init__(self, base: Sequence[TagRule] = ()) -> None:
        self._lock = threading.Lock()
        self._base: tuple[TagRule, ...] = tuple(base)
        self._overrides: dict[str, RuleOverride] = {}
        self._current: tuple[TagRule, ...] = self._base
        self.version = 0
        self.stamp = ""

    @property
    def base(self) -> tuple[TagRule, ...]:
        """The config file's ``[[tags]]``."""
        return self._base

    @property
    def overrides(self) -> dict[str, RuleOverride]:
        return dict(self._overrides)

    def current(self) -> tuple[TagRule, ...]:
        """Every rule in effect, the config file's order first, then rules added since."""
        return self._current

    def set_base(self, base: Iterable[TagRule]) -> None:
        with self._lock:
            rules = tuple(base)
            if rules != self._base:
                self._base = rules
                self._rebuild()

    def set_overrides(self, overrides: Iterable[RuleOverride], stamp: str) -> bool:
        """Take the stored overrides (``stamp`` names them); True when the rules in effect changed."""
        with self._lock:
            found = {o.name: o for o in overrides}
            self.stamp = stamp
            if found == self._overrides:
                return False
            self._overrides = found
            self._rebuild()
            return True

    def _rebuild(self) -> None:
        out = []
        for rule in self._base:
            o = self._overrides.get(rule.name)
            if o is None:
                out.append(rule)
            elif o.rule is not None:
                out.append(o.rule)
        known = {r.name for r in self._base}
        out += [o.rule for name, o in sorted(self._overrides.items()) if name not in known and o.rule is not None]
        self._current = tuple(out)
        self.version += 1
