"""Tag associations (contract §7), the group's insights, and the group-level entry points for segments."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Mapping, Sequence
from itertools import permutations
from typing import Any

from bot.core import collector
from bot.core.config import Config
from bot.domain import profiles as profiles_mod
from bot.domain import pushes, roster, segments
from bot.domain.answer_measures import answer_weeks
from bot.domain.hours import best_hours
from bot.domain.profiles import Profile
from bot.domain.recompute import ensure_fresh
from storage.repo import MemberFacts, OrderFacts, Repo


def population(profiles: Sequence[Profile]) -> list[Profile]:
    """N of contract §7: current, not-opted-out members with at least one message."""
    return [p for p in profiles if not p.opted_out and p.lifecycle != "left" and p.stats.messages >= 1]


def items(p: Profile) -> set[str]:
    """The tags a member carries, plus ``key=value`` for each attribute."""
    return {t.name for t in p.tags} | {f"{k}={a.value}" for k, a in p.attributes.items()}


def associations(profiles: Sequence[Profile], min_support: int) -> list[dict[str, Any]]:
    """``if → then`` for every ordered pair of tags (and tag–attribute pairs) with support ≥ min_support;
    strongest lift first. Attribute–attribute pairs are left out (they are not interests travelling together)."""
    pop = population(profiles)
    n = len(pop)
    if n == 0:
        return []
    baskets = [items(p) for p in pop]
    counts: Counter[str] = Counter(i for b in baskets for i in b)
    frequent = sorted(i for i, c in counts.items() if c >= min_support)
    pair_counts: Counter[tuple[str, str]] = Counter()
    for b in baskets:
        present = [i for i in frequent if i in b]
        for a, c in permutations(present, 2):
            pair_counts[(a, c)] += 1
    rows: list[tuple[float, int, str, str, float]] = []
    for (a, c), support in pair_counts.items():
        if support < min_support or ("=" in a and "=" in c):
            continue
        confidence = support / counts[a]
        rows.append((confidence / (counts[c] / n), support, a, c, confidence))
    rows.sort(key=lambda r: (-r[0], -r[1], r[2], r[3]))
    return [{"if": a, "then": c, "support": support, "confidence": round(confidence, 4), "lift": round(lift, 4)}
            for lift, support, a, c, confidence in rows]


async def group_profiles(repo: Repo, cfg: Config, group_id: str, now: float,
                         evidence: bool = True) -> list[Profile]:
    return await profiles_mod.load(repo, cfg, group_id, None, now, evidence=evidence)


PUSHES_DAYS = 28


async def insights(repo: Repo, cfg: Config, group_id: str, now: float) -> dict[str, Any]:
    """``{"associations": [...], "best_hours": [...], "answers": [...], "pushes": [...]}`` for the CLI, the API
    and ``/insights``. ``answers``: the 答疑 measures of the latest weeks
    (:func:`bot.domain.answer_measures.answer_weeks`); ``pushes`` covers the bot's posts of the last
    ``PUSHES_DAYS`` days (see :mod:`bot.domain.pushes`)."""
    found = await group_profiles(repo, cfg, group_id, now, evidence=False)  # tag names and hours only
    posted = await pushes.results(repo, group_id, now - PUSHES_DAYS * 86400, now)
    return {"associations": associations(found, cfg.insights.min_support),
            "best_hours": best_hours(population(found)),
            "answers": await answer_weeks(repo, group_id, cfg.timezone_of(group_id), now),
            "pushes": pushes.summarize(posted)}


def atom_names(node: segments.Node) -> set[str]:
    """Folded names of every atom in the query."""
    if isinstance(node, segments.Or | segments.And):
        return set().union(*(atom_names(n) for n in node.items))
    if isinstance(node, segments.Not):
        return atom_names(node.item)
    return {segments.fold(node.name)}


def maybe(node: segments.Node, p: Profile) -> bool | None:
    """``segments.matches`` on a profile without its lifecycle: None where the answer depends on it."""
    if isinstance(node, segments.Or | segments.And):
        values = [maybe(n, p) for n in node.items]
        decisive = isinstance(node, segments.Or)  # True decides an Or, False an And
        if decisive in values:
            return decisive
        return None if None in values else not decisive
    if isinstance(node, segments.Not):
        inner = maybe(node.item, p)
        return None if inner is None else not inner
    if node.name == "lifecycle" and node.op is not None and not node.value_quoted:
        return None
    return segments.matches(node, p)


MAX_LISTED = 20000  # ids bound into one query stay well under SQLite's limit of variables


async def _by_tier(repo: Repo, group_id: str, node: segments.Node) -> list[str] | None:
    """The members (in ``member_ids`` order) whose stored tier does not rule them out, when that leaves out a good
    share of the group (None: read the whole group)."""
    if "tier" not in atom_names(node):
        return None
    counts, everyone = await repo.members.tier_counts(group_id)
    kept = {tier for tier in counts if roster.by_tier(node, tier or "ordinary") is not False}
    if sum(counts[tier] for tier in kept) > min(0.6 * everyone, MAX_LISTED):
        return None
    return await repo.members.in_tiers(group_id, kept)


async def segment(repo: Repo, cfg: Config, group_id: str, query: str, now: float, *,
                  stats: bool = True) -> list[Profile]:
    """Profiles matching ``query`` (raises segments.QueryError), holding only the keyword tags the query names,
    without evidence (callers read member, name, opted_out and hours; ``stats`` False: hours and active days
    left empty, for callers that load the members they show).

    The stored tiers alone rule out most members of a query such as ``tier=core & …`` before any facts are read;
    every remaining member's tier, attributes and the named tags (no day counts) rule out whoever cannot match whatever
    their lifecycle; the rest get their lifecycle (:func:`bot.domain.roster.stages`) and the exact test; the
    members selected get their stats. Both tests over the members run in a worker thread (the reads already run
    on the storage's), so a large query never holds the event loop."""
    node = segments.parse(query)
    names = atom_names(node)
    tags = [r.name for r in cfg.rules.current() if segments.fold(r.name) in names]
    await ensure_fresh(repo, cfg, group_id, repo.clock())
    want = profiles_mod.score_want(cfg, now, tags, evidence=False)
    with collector.paused():  # facts and profiles are many small acyclic objects
        facts = await repo.members.member_facts(group_id, await _by_tier(repo, group_id, node), "", scores=want,
                                                lite=True, days=False)
        orders = await repo.commerce.group_orders(group_id, until=now)  # purchase atoms and tags
        left = await asyncio.to_thread(_candidates, node, facts, cfg, now, orders)
        stages = await roster.stages(repo, cfg, group_id, [f for f, _p in left], now)
        found = await asyncio.to_thread(_selected, node, left, stages)
        if not stats:
            return found
        counts = await repo.members.member_stats(group_id, [p.member for p in found])
        return [p.with_stats(counts[p.member][0], tuple(counts[p.member][1])) for p in found]


def _candidates(node: segments.Node, facts: Sequence[MemberFacts], cfg: Config, now: float,
                orders: Mapping[str, Sequence[OrderFacts]]) -> list[tuple[MemberFacts, Profile]]:
    """Members not opted out whom ``node`` does not rule out before their lifecycle is known, with their
    profiles (lifecycle left empty)."""
    out = []
    for f in facts:
        if f.opted_out:
            continue
        p = profiles_mod.build(f, cfg, now, None, lifecycle=False, orders=orders.get(f.member_id, ()))
        if maybe(node, p) is not False:
            out.append((f, p))
    return out


def _selected(node: segments.Node, left: Sequence[tuple[MemberFacts, Profile]],
              stages: Mapping[str, str]) -> list[Profile]:
    """The exact test on the candidates' profiles with their lifecycle."""
    return segments.select(node, [p.with_lifecycle(stages[f.member_id]) for f, p in left])
