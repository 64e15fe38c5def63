"""Persona cards: at most seven per group — per saved segment, value tier and lifecycle stage.

Each card: name and one-line description, size and trend, top tags with average intensity, attribute
mix, peak hours, needs and pain points (need/feedback tags), goals and motives (motive tags), where they
get information (channel tags), a typical scenario and example evidence. Nothing is shown for a layer,
a tag or an attribute value held by fewer than ``[insights] min_cell`` members.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from bot.core.config import Config
from bot.core.timeutil import day_minus, local
from bot.domain import insights, segments
from bot.domain.hours import best_hours
from bot.domain.profiles import Profile, evidence_json
from bot.domain.recompute import group_facts
from storage.repo import Repo

MAX_PERSONAS = 7
TOP = 5
LABELS = {
    "zh-CN": {"tier:core": ("核心成员", "最活跃、贡献最多的一群人"),
              "tier:high": ("高价值成员", "常来常聊，有贡献"), "tier:growth": ("成长成员", "正在变得活跃，值得培养"),
              "tier:ordinary": ("普通成员", "偶尔出现"), "stage:new": ("新人", "最近加入"),
              "stage:active": ("活跃成员", "近期持续发言"), "stage:declining": ("活跃下降", "发言明显变少，需要关注"),
              "stage:dormant": ("沉睡成员", "很久没有发言"), "segment": ("分群", "已保存的分群"),
              "other": "其他"},
    "en": {"tier:core": ("Core members", "the most active and contributing"),
           "tier:high": ("High-value members", "regulars who contribute"),
           "tier:growth": ("Growing members", "becoming active; worth nurturing"),
           "tier:ordinary": ("Ordinary members", "show up now and then"), "stage:new": ("Newcomers", "joined recently"),
           "stage:active": ("Active members", "speaking regularly"),
           "stage:declining": ("Declining members", "speaking much less than before"),
           "stage:dormant": ("Dormant members", "silent for a long time"), "segment": ("Segment", "a saved segment"),
           "other": "other"},
}
LAYERS = ("tier:core", "tier:high", "tier:growth", "stage:new", "stage:active", "stage:declining", "stage:dormant",
          "tier:ordinary")


def _current(profiles: Sequence[Profile]) -> list[Profile]:
    return [p for p in profiles if not p.opted_out and p.lifecycle != "left"]


def _layer_members(key: str, profiles: Sequence[Profile]) -> list[Profile]:
    kind, value = key.split(":", 1)
    return [p for p in _current(profiles) if (p.tier if kind == "tier" else p.lifecycle) == value]


def _tag_stats(members: Sequence[Profile], categories: set[str] | None, exclude: set[str],
               min_cell: int) -> list[dict[str, Any]]:
    carried: dict[str, list[float | None]] = defaultdict(list)
    for p in members:
        for t in p.tags:
            if (categories is None or t.category in categories) and t.category not in exclude:
                carried[t.name].append(t.score)
    out = []
    for name, scores in sorted(carried.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        if len(scores) < min_cell:
            continue
        numeric = [s for s in scores if s is not None]
        out.append({"name": name, "members": len(scores), "share": round(len(scores) / len(members), 2),
                    "avg_score": round(sum(numeric) / len(numeric), 2) if numeric else None})
    return out[:TOP]


def _attribute_mix(members: Sequence[Profile], min_cell: int, other: str) -> dict[str, list[dict[str, Any]]]:
    by_key: dict[str, Counter[str]] = defaultdict(Counter)
    for p in members:
        for k, a in p.attributes.items():
            by_key[k][a.value] += 1
    out: dict[str, list[dict[str, Any]]] = {}
    for key, counts in sorted(by_key.items()):
        shown = [(v, n) for v, n in counts.most_common() if n >= min_cell]
        rest = sum(n for v, n in counts.items() if n < min_cell)
        if rest >= min_cell:
            shown.append((other, rest))
        if shown:
            out[key] = [{"value": v, "share": round(n / len(members), 2)} for v, n in shown]
    return out


def _trend(members: Sequence[Profile], days: Mapping[str, Mapping[str, int]], today: str) -> dict[str, Any]:
    recent_start, prev_start = day_minus(today, 6), day_minus(today, 13)
    recent = prev = 0
    for p in members:
        for d, n in days.get(p.member, {}).items():
            if d >= recent_start:
                recent += n
            elif d >= prev_start:
                prev += n
    change = None if prev == 0 else round((recent - prev) / prev, 2)
    return {"messages_7d": recent, "messages_prev_7d": prev, "change": change}


def _evidence(members: Sequence[Profile], top: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    names = {t["name"] for t in top}
    found = []
    for p in members:
        for t in p.tags:
            if t.name in names and t.evidence:
                found.append({"member": p.name or p.member, "tag": t.name, **evidence_json(t.evidence[0])})
    found.sort(key=lambda e: str(e["at"]), reverse=True)
    return found[:2]


def card(key: str, name: str, description: str, members: Sequence[Profile], total: int,
         days: Mapping[str, Mapping[str, int]], today: str, min_cell: int, other: str) -> dict[str, Any]:
    top = _tag_stats(members, None, {"need", "feedback", "motive", "channel"}, min_cell)
    interests = [t["name"] for t in top if t["name"]]
    hours = best_hours(members)
    return {"key": key, "name": name, "description": description, "size": len(members),
            "share": round(len(members) / total, 2) if total else 0.0,
            "trend": _trend(members, days, today), "top_tags": top,
            "attributes": _attribute_mix(members, min_cell, other), "peak_hours": hours,
            "needs": _tag_stats(members, {"need", "feedback"}, set(), min_cell),
            "motives": _tag_stats(members, {"motive"}, set(), min_cell),
            "channels": _tag_stats(members, {"channel"}, set(), min_cell),
            "scenario": {"interests": interests[:2], "hour": hours[0] if hours else None},
            "evidence": _evidence(members, top)}


async def personas(repo: Repo, cfg: Config, group_id: str, now: float, locale: str = "zh-CN",
                   only: str | None = None) -> list[dict[str, Any]]:
    """Cards for saved segments, tiers and stages with at least ``min_cell`` members (at most seven);
    ``only`` picks one layer by its name, key or saved segment name."""
    labels = LABELS.get(locale, LABELS["zh-CN"])
    profiles = await insights.group_profiles(repo, cfg, group_id, now)
    facts = await group_facts(repo, cfg, group_id, now)
    days = {f.member_id: f.days for f in facts}
    today = local(now, cfg.timezone_of(group_id)).date().isoformat()
    current = _current(profiles)
    layers: list[tuple[str, str, str, list[Profile]]] = []
    for seg_name, query in (await repo.profiles.saved_segments(group_id)).items():
        try:
            members = await segments.select_off_loop(segments.parse(query), profiles)
        except segments.QueryError:
            continue
        label = labels["segment"]
        layers.append((f"segment:{seg_name}", seg_name, f"{label[1]}：{query}", members))
    for key in LAYERS:
        name, description = labels[key]
        layers.append((key, name, description, _layer_members(key, profiles)))
    if only is not None:
        want = only.casefold()
        layers = [lay for lay in layers if want in (lay[0].casefold(), lay[1].casefold(), lay[0].split(":", 1)[1])]
    min_cell = cfg.insights.min_cell
    cards = [card(k, n, d, m, len(current), days, today, min_cell, str(labels["other"]))
             for k, n, d, m in layers if len(m) >= min_cell]
    return cards[:MAX_PERSONAS]
