"""Personas by clustering: each group's members with enough data, grouped by k-means on what they talk
about, when they talk, their lifecycle stage, tier and attributes, then described as cards.

Who is clustered: current members who did not opt out and sent at least ``[insights] persona_min_messages``
messages; each of them is in exactly one persona. How k is chosen and how a run is matched to the last one
is in :mod:`bot.domain.persona_clusters`; the encoding in :mod:`bot.domain.persona_features`; the card in
:mod:`bot.domain.persona_cards`. Each run stores its personas (id, name, centroid), and a persona matched to
the last run keeps its id and name. Nothing is shown when fewer than ``[insights] min_cell`` members qualify.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from bot.core.config import Config
from bot.core.i18n import N_, gettext
from bot.core.labels import label
from bot.core.timeutil import day_minus, local
from bot.domain import insights
from bot.domain.persona_cards import NAME_LIFT, NAME_TAGS, card, topics
from bot.domain.persona_clusters import Clusters, cluster, match
from bot.domain.persona_evidence import Newest, newest_hits, quoted_pairs
from bot.domain.persona_features import encode
from bot.domain.profiles import Profile
from storage.repo import Repo, StoredPersona

MOSTLY = N_("%(what)s为主")
OTHERS = N_("其他成员")


def eligible(profiles: Sequence[Profile], min_messages: int) -> list[Profile]:
    """Current, not opted out, with at least ``min_messages`` messages; sorted by member id."""
    return sorted((p for p in profiles if not p.opted_out and p.lifecycle not in ("left", "")
                   and p.stats.messages >= min_messages), key=lambda p: p.member)


def _over_represented(values: Sequence[str], everyone: Sequence[str], min_cell: int) -> str | None:
    here, there = Counter(values), Counter(everyone)
    lifts = [(n / len(values) / (there[v] / len(everyone)), v) for v, n in here.items() if n >= min_cell
             and n * 2 >= len(values)]
    best = max(lifts, default=None)
    return best[1] if best is not None and best[0] >= NAME_LIFT else None


def fresh_name(c: Mapping[str, Any], members: Sequence[Profile], everyone: Sequence[Profile], min_cell: int,
               locale: str) -> str:
    """A name from what distinguishes the persona: two tags with lift ≥ 1.2 (not feedback or activity tags;
    interests first, then needs and motives, then channels; higher lift first within each); with fewer than
    two, the lifecycle stage or tier it has far more of than the group is added; else "other members"."""
    strong = {d["tag"] for d in c["distinguishing"] if d["lift"] >= NAME_LIFT}
    parts = [t for t in topics(c["distinguishing"]) if t in strong][:NAME_TAGS]
    if len(parts) < NAME_TAGS:  # one tag (or none) says little: add the stage or tier they stand out by
        for kind, attr in (("stage", "lifecycle"), ("tier", "tier")):
            v = _over_represented([getattr(p, attr) for p in members], [getattr(p, attr) for p in everyone],
                                  min_cell)
            if v is not None:
                parts.append(gettext(locale, MOSTLY) % {"what": label(kind, v, locale)})
                break
    return "·".join(parts) if parts else gettext(locale, OTHERS)


def _unique(name: str, taken: set[str], c: Mapping[str, Any]) -> str:
    extra = [d["tag"] for d in c["distinguishing"] if d["tag"] not in name.split("·")]
    if name in taken and extra:
        name = f"{name}·{extra[0]}"
    base, n = name, 2
    while name in taken:
        name, n = f"{base}（{n}）", n + 1
    return name


def _trend(members: Sequence[str], sums: Mapping[str, tuple[int, int]]) -> dict[str, Any]:
    """Messages of the last 7 local days against the 7 before (``sums``: member → both sums)."""
    recent = sum(sums.get(m, (0, 0))[0] for m in members)
    prev = sum(sums.get(m, (0, 0))[1] for m in members)
    return {"messages_7d": recent, "messages_prev_7d": prev,
            "change": None if prev == 0 else round((recent - prev) / prev, 2)}


def build(people: Sequence[Profile], found: Clusters, last: Sequence[StoredPersona], min_cell: int,
          locale: str, tz: str, newest: Newest | None = None) -> tuple[list[dict[str, Any]], list[StoredPersona]]:
    """Pure: clusters → cards (largest first) and the personas to store. Matched personas keep id and name.
    ``newest``: the hits the cards quote when ``people`` were read without evidence (:func:`run`)."""
    ids = match(found.centroids, last)
    old_names = {p.id: p.name for p in last}
    next_id = max([p.id for p in last] + [0]) + 1
    cards: list[dict[str, Any]] = []
    stored: list[StoredPersona] = []
    taken = {old_names[i] for i in ids if i is not None}  # matched personas keep their names first
    for c, members in enumerate(clustered(people, found)):
        body = card(members, people, min_cell, tz, newest)
        pid = ids[c]
        if pid is None:
            pid, next_id = next_id, next_id + 1
            name = _unique(fresh_name(body, members, people, min_cell, locale), taken, body)
        else:
            name = old_names[pid]
        taken.add(name)
        cards.append({"id": pid, "name": name, **body, "_members": [p.member for p in members]})
        stored.append(StoredPersona(pid, name, len(members), found.centroids[c]))
    return cards, stored


def clustered(people: Sequence[Profile], found: Clusters) -> list[list[Profile]]:
    """The members of each cluster, in cluster order (each in ``people`` order)."""
    out: list[list[Profile]] = [[] for _c in range(found.k)]
    for p, lab in zip(people, found.labels, strict=True):
        out[lab].append(p)
    return out


async def personas(repo: Repo, cfg: Config, group_id: str, now: float, locale: str = "zh-CN",
                   only: str | None = None, with_members: bool = False) -> list[dict[str, Any]]:
    """This run's persona cards, largest first (``only``: the one whose name or id it is). Stores the run."""
    found = await insights.group_profiles(repo, cfg, group_id, now, evidence=False)  # run reads what it quotes
    cards, _text_since = await run(repo, cfg, group_id, now, locale, found)
    for c in cards:
        members = c.pop("_members")
        if with_members:
            c["members"] = members
    if only is not None:
        want = only.strip().casefold()
        cards = [c for c in cards if want in (c["name"].casefold(), str(c["id"]))]
    return cards


async def run(repo: Repo, cfg: Config, group_id: str, now: float, locale: str,
              profiles: Sequence[Profile]) -> tuple[list[dict[str, Any]], float | None]:
    """A clustering run over the group's ``profiles`` (all of them at ``now``; their evidence is not used: the
    hits the cards quote are read for them, :mod:`bot.domain.persona_evidence`): the cards, largest first,
    each with its member ids under ``"_members"``, and when the oldest member text the cards may quote was
    written (None: they quote none). Stores the run's personas."""
    min_cell = cfg.insights.min_cell
    people = eligible(profiles, cfg.insights.persona_min_messages)
    if len(people) < min_cell:
        return [], None
    found = await asyncio.to_thread(lambda: cluster(encode(people, min_cell), min_cell))
    tz = cfg.timezone_of(group_id)
    newest = await newest_hits(repo, cfg, group_id, quoted_pairs(clustered(people, found), people, min_cell))
    cards, stored = build(people, found, await repo.personas.last_personas(group_id), min_cell, locale, tz, newest)
    await repo.personas.replace_personas(group_id, stored)
    today = local(now, tz).date().isoformat()
    sums = await repo.personas.trend_sums(group_id, day_minus(today, 6), day_minus(today, 13))
    for c in cards:
        c["trend"] = _trend(c["_members"], sums)
    return cards, min((e.at for e in newest.values() if e.text), default=None)
