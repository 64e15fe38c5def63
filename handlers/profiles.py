"""Profiles (contract §5): stored facts + config + time → the JSON every interface shows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from bot.config import Config
from bot.timeutil import day_minus, iso_utc, local
from handlers.lifecycle import HISTORY_DAYS, stage
from handlers.recompute import ensure_fresh
from handlers.tagging import score
from storage.repo import Hit, MemberFacts, Repo

EVIDENCE_SHOWN = 5


def keyword_tags(f: MemberFacts, cfg: Config, t: float) -> list[dict[str, Any]]:
    """Keyword tags whose score reached ``min_score``, highest first, each with its evidence."""
    rules = {r.name: r for r in cfg.tags}
    by_tag: dict[str, list[Hit]] = defaultdict(list)
    for h in f.hits:
        if h.tag in rules:
            by_tag[h.tag].append(h)
    scored = []
    for tag, hits in by_tag.items():
        rule = rules[tag]
        rejected = f.rejections.get(tag)
        s = score(hits, rule.weight, cfg.tagging.half_life_days, t, rejected)
        if s < cfg.tagging.min_score:
            continue
        live = sorted((h for h in hits if rejected is None or h.at > rejected), key=lambda h: -h.at)
        evidence = []
        for h in live[:EVIDENCE_SHOWN]:
            item: dict[str, Any] = {"at": iso_utc(h.at), "keyword": h.keyword, "message": h.message_id}
            if cfg.storage.store_text and h.text is not None:
                item["text"] = h.text
            evidence.append(item)
        scored.append((s, tag, {"name": tag, "category": rule.category, "source": "keyword",
                                "score": round(s, 2), "evidence": evidence, "hits": len(live)}))
    scored.sort(key=lambda x: (-x[0], x[1]))
    return [d for _s, _t, d in scored]


def build(f: MemberFacts, cfg: Config, t: float, last_message: float | None) -> dict[str, Any]:
    group = cfg.group(f.group_id)
    tz = group.timezone if group else cfg.defaults.timezone
    tags: list[dict[str, Any]] = []
    if not f.opted_out:
        tags = keyword_tags(f, cfg, t)
        for name, category, source, value in sorted(f.other_tags):
            tags.append({"name": name, "category": category, "source": source,
                         "score": round(value, 2) if value is not None else None})
    return {
        "group": f.group_id,
        "member": f.member_id,
        "name": f.name,
        "opted_out": f.opted_out,
        "lifecycle": stage(f, t, cfg.lifecycle, tz, last_message),
        "tier": f.tier or "ordinary",
        "stats": {"messages": f.messages, "active_days": f.active_days,
                  "first_seen": iso_utc(f.first_seen), "last_seen": iso_utc(f.last_seen),
                  "hours": list(f.hours)},
        "attributes": {k: {"value": v, "source": s, "at": iso_utc(a)} for k, (v, s, a) in
                       sorted(f.attributes.items())},
        "tags": tags,
    }


async def load(repo: Repo, cfg: Config, group_id: str, ids: Sequence[str], t: float) -> list[dict[str, Any]]:
    """Profiles of ``ids`` in ``group_id`` evaluated at ``t`` (tiers and activity tags as of now)."""
    await ensure_fresh(repo, cfg, group_id, repo.clock())
    group = cfg.group(group_id)
    tz = group.timezone if group else cfg.defaults.timezone
    since = day_minus(local(t, tz).date().isoformat(), HISTORY_DAYS)
    facts = await repo.member_facts(group_id, ids, since, with_text=cfg.storage.store_text)
    out = []
    for f in facts:
        last = f.last_message_at
        if last is not None and last > t:
            last = await repo.last_message_before(group_id, f.member_id, t)
        out.append(build(f, cfg, t, last))
    return out


def carries(profile: dict[str, Any], tag: str) -> bool:
    """A member carries a tag exactly when it is in the profile's tag list (contract §5)."""
    return any(t["name"] == tag for t in profile["tags"])


async def load_group(repo: Repo, cfg: Config, group_id: str, t: float, tag: str | None = None,
                     limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
    """Profiles of a group (optionally only those carrying ``tag``), paginated after filtering."""
    ids = await repo.member_ids(group_id)
    if tag is None:
        ids = ids[offset: None if limit is None else offset + limit]
        return await load(repo, cfg, group_id, ids, t)
    profiles = [p for p in await load(repo, cfg, group_id, ids, t) if carries(p, tag)]
    return profiles[offset: None if limit is None else offset + limit]
