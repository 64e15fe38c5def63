"""Keyword tag rules changed while quntag runs: add a rule, change one, switch one of the config file's off,
or go back to the file's — from the console, taking effect at once in every process.

Overrides are kept as settings of the whole matrix (group ``*``, key ``tag_rule:<name>``), with the config
file's rule as it was when the change was made (``config_value``): editing that rule in the file ends the
override, exactly as editing a schedule in the file ends a change made in chat (contract §3).

Scores are computed from stored hits by tag name, so a change applies to the past as far as hits exist: a
category or weight change re-scores every earlier hit, a rule switched off hides its tag (the hits stay, and
come back if it is switched on again), and new keywords count from now on (old messages are not re-read).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.core.config import Config, RuleBook, RuleOverride, TagRule
from bot.core.config.rules import (
    KEYWORD_CATEGORIES,
    MAX_KEYWORD,
    MAX_KEYWORDS,
    MAX_NAME,
    MAX_WEIGHT,
    NAME_FORBIDDEN,
)
from storage.repo import Repo

GLOBAL = "*"  # settings of the whole matrix
PREFIX = "tag_rule:"
SYNC_S = 5.0  # how often a process looks for changes another one made


@dataclass(frozen=True, slots=True)
class RuleInput:
    """A rule as an operator typed it into the console."""

    name: str
    keywords: tuple[str, ...]
    exclude: tuple[str, ...]
    category: str
    weight: float


def problems(r: RuleInput) -> list[str]:
    """What is wrong with ``r``, as codes the console words (empty: fine)."""
    out = []
    if not r.name or len(r.name) > MAX_NAME or any(c in NAME_FORBIDDEN for c in r.name):
        out.append("name")
    if not r.keywords or len(r.keywords) > MAX_KEYWORDS or any(len(k) > MAX_KEYWORD for k in r.keywords):
        out.append("keywords")
    if len(r.exclude) > MAX_KEYWORDS or any(len(p) > MAX_KEYWORD for p in r.exclude):
        out.append("exclude")
    if r.category not in KEYWORD_CATEGORIES:
        out.append("category")
    if not 0 <= r.weight <= MAX_WEIGHT:
        out.append("weight")
    return out


def _rule_json(rule: TagRule | None) -> str:
    if rule is None:
        return ""
    return json.dumps({"keywords": list(rule.keywords), "exclude": list(rule.exclude), "category": rule.category,
                       "weight": rule.weight}, ensure_ascii=False, sort_keys=True)


def _parse(name: str, value: str) -> tuple[TagRule | None, str]:
    data: dict[str, Any] = json.loads(value)
    by = str(data.get("by", ""))
    if data.get("off"):
        return None, by
    return TagRule(name=name, keywords=tuple(data["keywords"]), exclude=tuple(data.get("exclude", ())),
                   category=str(data["category"]), weight=float(data["weight"])), by


async def sync(repo: Repo, book: RuleBook) -> bool:
    """Read the stored overrides into ``book``; True when the rules in effect changed. An override of a file
    rule that was edited in the file since is left out (the file's new rule wins)."""
    rows = await repo.settings.settings_with_prefix(GLOBAL, PREFIX)
    stamp = json.dumps(rows, ensure_ascii=False)  # the rows themselves: two changes within one clock tick differ
    if stamp == book.stamp:
        return False
    base = {r.name: r for r in book.base}
    found = []
    for key, value, config_value, at in rows:
        name = key.removeprefix(PREFIX)
        if config_value != _rule_json(base.get(name)):
            continue
        try:
            rule, by = _parse(name, value)
        except (ValueError, KeyError, TypeError):
            continue  # a row this version cannot read changes nothing
        found.append(RuleOverride(name, rule, at, by))
    return book.set_overrides(found, stamp)


async def save(repo: Repo, cfg: Config, r: RuleInput, actor: str) -> None:
    """Add or change the rule ``r.name`` (validated by the caller with :func:`problems`)."""
    value = json.dumps({"keywords": list(r.keywords), "exclude": list(r.exclude), "category": r.category,
                        "weight": r.weight, "by": actor}, ensure_ascii=False)
    await _store(repo, cfg, r.name, value, actor, "tag_rule_save")


async def switch_off(repo: Repo, cfg: Config, name: str, actor: str) -> None:
    """Stop the rule ``name`` from tagging and hide its tag (its hits are kept)."""
    await _store(repo, cfg, name, json.dumps({"off": True, "by": actor}), actor, "tag_rule_off")


async def restore(repo: Repo, cfg: Config, name: str, actor: str) -> None:
    """Drop the change to ``name``: the config file's rule again (or no rule, for one added here)."""
    await _store(repo, cfg, name, None, actor, "tag_rule_restore")


async def _store(repo: Repo, cfg: Config, name: str, value: str | None, actor: str, action: str) -> None:
    base = {r.name: r for r in cfg.rules.base}
    await repo.settings.set_setting(GLOBAL, PREFIX + name, value, _rule_json(base.get(name)))
    await repo.privacy.audit(actor, action, "", f"{name}: {value or 'config'}"[:1000])
    await sync(repo, cfg.rules)


def listing(book: RuleBook) -> list[dict[str, Any]]:
    """Every rule the page lists: those in effect, then the file's rules switched off; each says where it
    comes from (``config``, ``changed``, ``added`` or ``off``)."""
    overrides = book.overrides
    base = {r.name for r in book.base}
    out = []
    for rule in book.current():
        o = overrides.get(rule.name)
        origin = "config" if o is None else ("changed" if rule.name in base else "added")
        out.append(_row(rule, origin, o))
    for rule in book.base:
        o = overrides.get(rule.name)
        if o is not None and o.rule is None:
            out.append(_row(rule, "off", o))
    return out


def _row(rule: TagRule, origin: str, o: RuleOverride | None) -> dict[str, Any]:
    return {"name": rule.name, "category": rule.category, "weight": rule.weight, "keywords": list(rule.keywords),
            "exclude": list(rule.exclude), "origin": origin, "updated_at": o.updated_at if o else None,
            "updated_by": o.updated_by if o else None}


def words(raw: str, limit: int = MAX_KEYWORDS + 1) -> tuple[str, ...]:
    """Keywords as typed: separated by spaces, commas or 、 (full-width too), each once, in order."""
    for sep in ("，", "、", ","):
        raw = raw.replace(sep, " ")
    return tuple(dict.fromkeys(w for w in raw.split() if w))[:limit]
