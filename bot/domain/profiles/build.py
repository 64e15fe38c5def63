"""Stored facts + config + time → one :class:`Profile` (contract §5). Pure: the reads are in ``load``."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from bot.core.config import Config, TagRule
from bot.domain.commerce import PURCHASE_SOURCE, purchase_tags, summarize
from bot.domain.lifecycle import stage
from bot.domain.profiles.model import Evidence, Profile, Stats, Tag
from storage.repo import MemberFacts, OrderFacts, ScoreWant

EVIDENCE_SHOWN = 5


def score_want(cfg: Config, t: float, tags: Collection[str] | None = None, evidence: bool = True) -> ScoreWant:
    """Keyword scores at ``t`` (of ``tags`` only, when given), with evidence for the tags a member carries."""
    weights = {r.name: r.weight for r in cfg.rules.current()}
    min_score = cfg.tagging.min_score

    def carried(_member: str, tag: str, total: float) -> bool:
        weight = weights.get(tag)
        return weight is not None and not weight * total < min_score

    return ScoreWant(t, cfg.tagging.half_life_days, None if tags is None else frozenset(tags),
                     EVIDENCE_SHOWN if evidence else 0, carried)


_RULES: dict[int, tuple[Config, int, dict[str, TagRule], dict[str, tuple[str, float]]]] = {}


def _cached(cfg: Config) -> tuple[Config, int, dict[str, TagRule], dict[str, tuple[str, float]]]:
    hit = _RULES.get(id(cfg))
    if hit is None or hit[0] is not cfg or hit[1] != cfg.rules.version:
        rules = {r.name: r for r in cfg.rules.current()}
        hit = _RULES[id(cfg)] = (cfg, cfg.rules.version, rules, {n: (r.category, r.weight) for n, r in rules.items()})
        if len(_RULES) > 64:
            _RULES.clear()
            _RULES[id(cfg)] = hit
    return hit


def _rules(cfg: Config) -> dict[str, TagRule]:
    """The tag rules in effect by name, built once per config object and rule book version."""
    return _cached(cfg)[2]


def keyword_tags(f: MemberFacts, cfg: Config) -> list[Tag]:
    """Keyword tags whose score reached ``min_score`` (at full precision), highest first, each with its
    evidence."""
    if not f.scores:
        return []
    rules = _rules(cfg)
    keep_text = cfg.storage.store_text
    scored = []
    for name, sc in f.scores.items():
        rule = rules.get(name)
        if rule is None:
            continue
        s = rule.weight * sc.total
        if s < cfg.tagging.min_score:
            continue
        evidence = tuple(Evidence(*h) if keep_text else Evidence(h[0], h[1], h[2]) for h in sc.evidence)
        scored.append((s, name, Tag(name, rule.category, "keyword", round(s, 2), evidence, sc.hits)))
    scored.sort(key=lambda x: (-x[0], x[1]))
    return [t for _s, _n, t in scored]


def _shown_stage(f: MemberFacts, t: float, cfg: Config, last_message: float | None, declining: bool | None) -> str:
    """The stage a profile shows at ``t``. Asked for a time before the member was first seen (``?at=`` far in
    the past), §5 has no "not yet a member": its rule order gives ``dormant`` (no message for
    ``dormant_days``). Lifecycle history — digest moves, transitions — uses :func:`stage` itself, which has no
    stage there, so it never counts that as a move."""
    return stage(f, t, cfg.lifecycle, cfg.timezone_of(f.group_id), last_message, declining) or "dormant"


def build(f: MemberFacts, cfg: Config, t: float, last_message: float | None,
          lifecycle: bool = True, declining: bool | None = None, orders: Sequence[OrderFacts] = ()) -> Profile:
    """The profile at ``t`` (``lifecycle`` False: stage left empty, for facts fetched without day counts;
    ``declining`` when already known; ``orders``: the member's purchases in this group). An opted-out member
    shows no tags and no purchases."""
    tags: list[Tag] = []
    if not f.opted_out:
        tags = keyword_tags(f, cfg)
        tags += [Tag(name, category, PURCHASE_SOURCE, score) for name, category, score in purchase_tags(
            orders, t, cfg.tagging.half_life_days, cfg.tagging.min_score, _cached(cfg)[3])] if orders else []
        tags += [Tag(name, category, source, round(value, 2) if value is not None else None)
                 for name, category, source, value in sorted(f.other_tags)]
    return Profile(
        group=f.group_id,
        member=f.member_id,
        name=f.name,
        opted_out=f.opted_out,
        lifecycle=_shown_stage(f, t, cfg, last_message, declining) if lifecycle else "",
        tier=f.tier or "ordinary",
        stats=Stats(f.messages, f.active_days, f.first_seen, f.last_seen, tuple(f.hours)),
        attributes=dict(sorted(f.attributes.items())),
        tags=tuple(tags),
        commerce=None if f.opted_out else summarize(orders, t),
    )
