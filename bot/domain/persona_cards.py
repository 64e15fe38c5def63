"""A persona's card: pure functions from its members (and the whole clustered population) to plain data.

What distinguishes a persona is lift, not frequency: a tag's share among the persona's members divided by
its share among everyone clustered, so a tag the whole group carries (种子用户 in a young group) names nobody.
Needs are need/motive tags only — feedback (好评, 投诉) and activity tags (夜猫子, 潜水) are never needs.
Every count shown is at least ``min_cell`` members; smaller cells are left out or pooled as "other".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from bot.core.timeutil import local
from bot.domain.hours import best_hours, hour_histogram, push_time
from bot.domain.profiles import Evidence, Profile

TOP = 5
NAME_TAGS = 2
NAME_LIFT = 1.2  # a tag names a persona only when it is this much more common in it than in the group
MIN_SHARE = 0.25  # … and at least this share of the persona carries it
NEED_CATEGORIES = frozenset({"need", "motive"})
NOT_NAMING = frozenset({"feedback", "activity"})
TALK = frozenset({"interest", "need", "motive", "channel"})
NAME_ORDER = {"interest": 0, "need": 1, "motive": 1, "channel": 3}  # what they are into reads best first
SLIPPING = frozenset({"declining", "dormant"})
EXCERPT = 40
KEYWORD = "keyword"  # the source of keyword tags


def _carriers(members: Sequence[Profile]) -> Counter[str]:
    return Counter(t.name for p in members for t in p.tags)


def distinguishing(members: Sequence[Profile], everyone: Sequence[Profile], min_cell: int) -> list[dict[str, Any]]:
    """Tags more common in the persona than in the group, by lift (then share): ``{"tag", "share", "lift",
    "category"}``; only tags at least ``min_cell`` of the persona carry, at least :data:`MIN_SHARE` of it."""
    here, there = _carriers(members), _carriers(everyone)
    category = {t.name: t.category for p in members for t in p.tags}
    out: list[dict[str, Any]] = []
    for tag, n in here.items():
        share = n / len(members)
        lift = share / (there[tag] / len(everyone))
        if n >= min_cell and share >= MIN_SHARE and lift > 1.0:
            out.append({"tag": tag, "share": round(share, 2), "lift": round(lift, 2), "category": category[tag]})
    out.sort(key=lambda d: (-d["lift"], -d["share"], d["tag"]))
    return out[:TOP]


def topics(dist: Sequence[dict[str, Any]]) -> list[str]:
    """The distinguishing tags that are topics (never 好评 or 话痨): interests first, then needs and motives,
    then channels; higher lift first within each."""
    ok = [d for d in dist if d["category"] not in NOT_NAMING]
    return [d["tag"] for d in sorted(ok, key=lambda d: (NAME_ORDER.get(d["category"], 2), -d["lift"]))]


def _mix(values: Sequence[str], min_cell: int) -> list[dict[str, Any]]:
    """Shares of each code held by at least ``min_cell``; the rest pooled (code "") when that is big enough."""
    counts = Counter(values)
    shown = [(v, n) for v, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if n >= min_cell]
    rest = sum(n for n in counts.values() if n < min_cell)
    if rest >= min_cell and shown:  # "other 100%" would say nothing
        shown.append(("", rest))  # the template words "other"
    return [{"value": v, "share": round(n / len(values), 2)} for v, n in shown]


def _ranked(members: Sequence[Profile], categories: frozenset[str], min_cell: int) -> list[dict[str, Any]]:
    counts = Counter(t.name for p in members for t in p.tags if t.category in categories)
    return [{"tag": t, "share": round(n / len(members), 2)}
            for t, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if n >= min_cell][:TOP]


_MENTION = re.compile(r"@\S++")  # possessive: no backtracking


def anonymize(text: str, names: Sequence[str]) -> str:
    """The excerpt with every known member name and @mention taken out, cut to :data:`EXCERPT` characters."""
    for n in sorted((n for n in names if len(n) >= 2), key=len, reverse=True):
        text = text.replace(n, "某人")
    text = _MENTION.sub("@某人", text)
    return text if len(text) <= EXCERPT else text[:EXCERPT] + "…"


def evidence(members: Sequence[Profile], tags: Sequence[str], names: Sequence[str], tz: str,
             newest: Mapping[tuple[str, str], Evidence] | None = None) -> list[dict[str, Any]]:
    """Up to two recent hits of the distinguishing tags, with no member named: ``{"tag", "day", "keyword",
    "text"?}``. A member's hit of a tag is the newest of their evidence, or ``newest[(member, tag)]`` when
    given (profiles read without evidence: :mod:`bot.domain.persona_evidence`)."""
    found = []
    for p in members:
        for t in p.tags:
            if t.name not in tags:
                continue
            if newest is None:
                e = t.evidence[0] if t.evidence else None
            else:  # keyword tags alone have evidence
                e = newest.get((p.member, t.name)) if t.source == KEYWORD else None
            if e is not None:
                found.append((e.at, t.name, e.keyword, e.text))
    found.sort(key=lambda f: (-f[0], f[1]))
    out: list[dict[str, Any]] = []
    for at, tag, keyword, text in found:
        if any(o["tag"] == tag for o in out):
            continue
        item: dict[str, Any] = {"tag": tag, "day": local(at, tz).date().isoformat(), "keyword": keyword}
        if text:
            item["text"] = anonymize(text, names)
        out.append(item)
        if len(out) == 2:
            break
    return out


def shown_tags(members: Sequence[Profile], dist: Sequence[dict[str, Any]], min_cell: int) -> list[str]:
    """The tags a card quotes hits of (``dist``: :func:`distinguishing`): examples of what sets the persona
    apart; a persona nothing sets apart shows what it talks about most."""
    return [d["tag"] for d in dist] or [t["tag"] for t in _ranked(members, TALK, min_cell)]


def card(members: Sequence[Profile], everyone: Sequence[Profile], min_cell: int, tz: str,
         newest: Mapping[tuple[str, str], Evidence] | None = None) -> dict[str, Any]:
    """Everything a persona card shows except its id and name (see the module docstring); ``newest`` as in
    :func:`evidence`."""
    dist = distinguishing(members, everyone, min_cell)
    channels = _ranked(members, frozenset({"channel"}), min_cell)
    names = [p.name for p in everyone if p.name]
    shown = shown_tags(members, dist, min_cell)
    return {"size": len(members), "share": round(len(members) / len(everyone), 2),
            "distinguishing": dist, "hours": best_hours(members),
            "best_slot": push_time(hour_histogram(members)) if any(hour_histogram(members)) else None,
            "lifecycle": _mix([p.lifecycle for p in members], min_cell),
            "tiers": _mix([p.tier for p in members], min_cell),
            "needs": _ranked(members, NEED_CATEGORIES, min_cell),
            "channel": channels[0]["tag"] if channels else None,
            "topics": topics(dist), "topic": next(iter(topics(dist)), None),
            # most of them are slipping away: the card says to win them back before pushing more
            "slipping": sum(p.lifecycle in SLIPPING for p in members) * 2 > len(members),
            "evidence": evidence(members, shown, names, tz, newest)}
