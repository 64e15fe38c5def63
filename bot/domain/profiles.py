"""Profiles (contract §5): stored facts + config + time → the JSON every interface shows."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from bot.core.config import Config, TagRule
from bot.core.timeutil import day_minus, iso_utc, local
from bot.domain.lifecycle import HISTORY_DAYS, PREVIOUS_DAYS, RECENT_DAYS, first_step, is_declining, stage
from bot.domain.recompute import ensure_fresh
from storage.repo import MemberFacts, Repo, ScoreWant

EVIDENCE_SHOWN = 5


def score_want(cfg: Config, t: float, tags: Collection[str] | None = None, evidence: bool = True) -> ScoreWant:
    """Keyword scores at ``t`` (of ``tags`` only, when given), with evidence for the tags a member carries."""
    weights = {r.name: r.weight for r in cfg.tags}
    min_score = cfg.tagging.min_score

    def carried(_member: str, tag: str, total: float) -> bool:
        weight = weights.get(tag)
        return weight is not None and not weight * total < min_score

    return ScoreWant(t, cfg.tagging.half_life_days, None if tags is None else frozenset(tags),
                     EVIDENCE_SHOWN if evidence else 0, carried)


_RULES: dict[int, tuple[Config, dict[str, TagRule]]] = {}


def _rules(cfg: Config) -> dict[str, TagRule]:
    """``[[tags]]`` by name, built once per config object."""
    hit = _RULES.get(id(cfg))
    if hit is None or hit[0] is not cfg:
        hit = _RULES[id(cfg)] = (cfg, {r.name: r for r in cfg.tags})
        if len(_RULES) > 64:
            _RULES.clear()
            _RULES[id(cfg)] = hit
    return hit[1]


def keyword_tags(f: MemberFacts, cfg: Config) -> list[dict[str, Any]]:
    """Keyword tags whose score reached ``min_score``, highest first, each with its evidence."""
    if not f.scores:
        return []
    rules = _rules(cfg)
    scored = []
    for tag, sc in f.scores.items():
        rule = rules.get(tag)
        if rule is None:
            continue
        s = rule.weight * sc.total
        if s < cfg.tagging.min_score:
            continue
        evidence = []
        for h in sc.evidence:
            item: dict[str, Any] = {"at": iso_utc(h.at), "keyword": h.keyword, "message": h.message_id}
            if cfg.storage.store_text and h.text is not None:
                item["text"] = h.text
            evidence.append(item)
        scored.append((s, tag, {"name": tag, "category": rule.category, "source": "keyword",
                                "score": round(s, 2), "evidence": evidence, "hits": sc.hits}))
    scored.sort(key=lambda x: (-x[0], x[1]))
    return [d for _s, _t, d in scored]


def build(f: MemberFacts, cfg: Config, t: float, last_message: float | None,
          lifecycle: bool = True, declining: bool | None = None) -> dict[str, Any]:
    """The §5 profile (``lifecycle`` False: ``"lifecycle": None``, for facts fetched without day counts;
    ``declining`` when already known)."""
    tz = cfg.timezone_of(f.group_id)
    tags: list[dict[str, Any]] = []
    if not f.opted_out:
        tags = keyword_tags(f, cfg)
        for name, category, source, value in sorted(f.other_tags):
            tags.append({"name": name, "category": category, "source": source,
                         "score": round(value, 2) if value is not None else None})
    return {
        "group": f.group_id,
        "member": f.member_id,
        "name": f.name,
        "opted_out": f.opted_out,
        "lifecycle": stage(f, t, cfg.lifecycle, tz, last_message, declining) if lifecycle else None,
        "tier": f.tier or "ordinary",
        "stats": {"messages": f.messages, "active_days": f.active_days,
                  "first_seen": iso_utc(f.first_seen), "last_seen": iso_utc(f.last_seen),
                  "hours": list(f.hours)},
        "attributes": {k: {"value": v, "source": s, "at": iso_utc(a)} for k, (v, s, a) in
                       sorted(f.attributes.items())},
        "tags": tags,
    }


async def load(repo: Repo, cfg: Config, group_id: str, ids: Sequence[str] | None, t: float, *,
               tags: Collection[str] | None = None, evidence: bool = True, fresh: bool = True,
               keyword: bool = True, lite: bool = False) -> list[dict[str, Any]]:
    """Profiles of ``ids`` (None: the whole group) in ``group_id`` evaluated at ``t`` (tiers and activity tags
    as of now). Partial profiles for filtering: ``tags`` limits the keyword tags to those names, ``evidence``
    False leaves evidence lists empty, ``keyword`` False leaves keyword tags out, ``lite`` leaves hours and
    active days at zero; ``fresh`` False skips the recompute check (the caller just made it)."""
    if fresh:
        await ensure_fresh(repo, cfg, group_id, repo.clock())
    tz = cfg.timezone_of(group_id)
    since = day_minus(local(t, tz).date().isoformat(), HISTORY_DAYS)
    want = score_want(cfg, t, tags, evidence) if keyword else None
    facts = await repo.member_facts(group_id, ids, since, with_text=cfg.storage.store_text, scores=want, lite=lite)
    before = await _last_before(repo, group_id, facts, t)
    return [build(f, cfg, t, before.get(f.member_id, f.last_message_at)) for f in facts]


async def _last_before(repo: Repo, group_id: str, facts: Sequence[MemberFacts], t: float) -> dict[str, float | None]:
    """Latest message at or before ``t`` of the members whose last message is later than ``t``."""
    late = [f.member_id for f in facts if f.last_message_at is not None and f.last_message_at > t]
    return await repo.last_messages_before(group_id, late, t) if late else {}


async def lifecycles(repo: Repo, cfg: Config, group_id: str, times: Sequence[float]) -> list[dict[str, dict[str, Any]]]:
    """For each of ``times``: member → ``{"member", "name", "lifecycle"}`` (the profile fields the weekly digest
    reads), from one fetch of the group's facts without day counts and two window sums per member and time."""
    await ensure_fresh(repo, cfg, group_id, repo.clock())
    tz = cfg.timezone_of(group_id)
    facts = await repo.member_facts(group_id, None, "", lite=True, days=False)
    ids = [f.member_id for f in facts]
    out = []
    for t in times:
        before = await _last_before(repo, group_id, facts, t)
        declining = await declining_at(repo, cfg, group_id, ids, t)
        out.append({f.member_id: {"member": f.member_id, "name": f.name, "lifecycle": stage(
            f, t, cfg.lifecycle, tz, before.get(f.member_id, f.last_message_at), declining[f.member_id])}
            for f in facts})
    return out


def carries(profile: dict[str, Any], tag: str) -> bool:
    """A member carries a tag exactly when it is in the profile's tag list (contract §5)."""
    return any(t["name"] == tag for t in profile["tags"])


async def load_group(repo: Repo, cfg: Config, group_id: str, t: float, tag: str | None = None,
                     limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
    """Profiles of a group (optionally only those carrying ``tag``), paginated after filtering."""
    if tag is None and limit is None and offset == 0:
        return await load(repo, cfg, group_id, None, t)
    ids = await repo.member_ids(group_id)
    if tag is None:
        ids = ids[offset: None if limit is None else offset + limit]
        return await load(repo, cfg, group_id, ids, t)
    await ensure_fresh(repo, cfg, group_id, repo.clock())
    light = await load(repo, cfg, group_id, None, t, tags=[tag], evidence=False, fresh=False)
    ids = [p["member"] for p in light if carries(p, tag)][offset: None if limit is None else offset + limit]
    return await load(repo, cfg, group_id, ids, t, fresh=False)


async def declining_at(repo: Repo, cfg: Config, group_id: str, ids: Sequence[str], t: float) -> dict[str, bool]:
    """Whether each member's message rate is declining at ``t`` (contract §5), from two window sums per member;
    only members whose first day is undecided get their day counts fetched and walked back."""
    tz = cfg.timezone_of(group_id)
    day = local(t, tz).date().isoformat()
    sums = await repo.rate_sums(group_id, ids, day_minus(day, RECENT_DAYS - 1),
                                day_minus(day, RECENT_DAYS + PREVIOUS_DAYS - 1), day)
    out: dict[str, bool] = {}
    walk = []
    for mid in ids:
        first = first_step(*sums.get(mid, (0, 0)))
        if first is None:
            walk.append(mid)
        else:
            out[mid] = first
    if walk:
        for f in await repo.member_facts(group_id, walk, day_minus(day, HISTORY_DAYS), lite=True):
            out[f.member_id] = is_declining(f.days, day)
    return out
