"""Every member's lifecycle stage at a time, exactly as a built profile shows it, without fetching day counts.

A profile's stage (:func:`bot.domain.profiles.build`) is ``left``, ``new`` or ``dormant`` from the member row and
join/leave events alone; only past those does it need ``declining``, a walk over up to 132 days of day counts. That
one bit is taken from the stage the last recompute stored when it provably still holds — the member's stored stage
is ``active`` or ``declining``, it was computed on the same local day, at or before ``t``, and nothing of theirs
(message, join, leave, first sight) is later than it — and computed from window sums
(:func:`bot.domain.profiles.declining_at`) for everyone else.

The roster also answers segment queries of tiers and stages alone, and rules members out by their stored tier
before a segment reads anyone's facts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.core.config import Config
from bot.core.timeutil import local
from bot.domain import segments
from bot.domain.lifecycle import stage
from bot.domain.profiles import declining_at
from storage.repo import MemberFacts, Repo, RosterRow

_PAST_DORMANT = ("active", "declining")


_NO_HOURS: list[int] = [0] * 24
_NOTHING: dict[str, Any] = {}
_NO_EVENTS: list[tuple[str, float]] = []
_NO_TAGS: list[tuple[str, str, str, float | None]] = []


def facts_of(group_id: str, rows: Sequence[RosterRow],
             events: Mapping[str, list[tuple[str, float]]]) -> list[MemberFacts]:
    """The facts :func:`stages` reads, from the roster (``repo.members.roster``) and join/leave events
    (``repo.members.membership``). Read-only: the empty containers (hours, days, tags …) are shared, since
    building ten thousand facts otherwise costs more in empty dicts than the read itself."""
    return [MemberFacts(group_id, r.member_id, r.name, r.messages, r.first_seen, r.last_seen, r.last_message_at, None,
                        None, None, r.opted_out, 0, _NO_HOURS, _NOTHING, _NOTHING, _NOTHING, _NO_TAGS, _NOTHING,
                        events.get(r.member_id, _NO_EVENTS), r.tier, r.stage, r.stage_at) for r in rows]


def _stored_holds(r: MemberFacts, t: float, day: str, days: dict[float, str], tz: str) -> bool:
    """Whether the stored stage's ``declining`` bit is the one a profile at ``t`` computes: the same facts (the
    recompute that stored it saw everything of theirs; opted-out members' stored states are not renewed) and the
    same local day."""
    at = r.stage_at
    if r.stage not in _PAST_DORMANT or r.opted_out or not 0 < at <= t:
        return False
    if at not in days:  # one recompute stores one time for the whole group
        days[at] = local(at, tz).date().isoformat()
    if days[at] != day:
        return False
    latest = max([r.first_seen, r.last_message_at or r.first_seen, *(e[1] for e in r.membership)])
    return latest <= at


async def stages(repo: Repo, cfg: Config, group_id: str, rows: Sequence[MemberFacts], t: float) -> dict[str, str]:
    """member → the stage their profile at ``t`` shows (``dormant`` before they were first seen, as profiles do),
    from facts with membership events and the stored stage (:func:`facts_of`, or ``member_facts``; day counts are
    not needed)."""
    tz = cfg.timezone_of(group_id)
    day = local(t, tz).date().isoformat()
    late = [r.member_id for r in rows if r.last_message_at is not None and r.last_message_at > t]
    before = await repo.members.last_messages_before(group_id, late, t) if late else {}
    out: dict[str, str] = {}
    days: dict[float, str] = {}
    undecided: list[tuple[MemberFacts, float | None]] = []
    for r in rows:
        last = before.get(r.member_id) if r.member_id in before else r.last_message_at
        cheap = stage(r, t, cfg.lifecycle, tz, last, declining=False)
        if cheap != "active":
            out[r.member_id] = cheap or "dormant"
        elif _stored_holds(r, t, day, days, tz):
            out[r.member_id] = r.stage
        else:
            undecided.append((r, last))
    if undecided:
        declining = await declining_at(repo, cfg, group_id, [r.member_id for r, _l in undecided], t)
        for r, last in undecided:
            out[r.member_id] = stage(r, t, cfg.lifecycle, tz, last, declining[r.member_id]) or "dormant"
    return out


def by_tier(node: segments.Node, tier: str) -> bool | None:
    """``segments.matches`` knowing only the member's tier: None where the answer depends on anything else."""
    if isinstance(node, segments.Or | segments.And):
        values = [by_tier(n, tier) for n in node.items]
        decisive = isinstance(node, segments.Or)
        if decisive in values:
            return decisive
        return None if None in values else not decisive
    if isinstance(node, segments.Not):
        inner = by_tier(node.item, tier)
        return None if inner is None else not inner
    if node.op is not None and node.name == "tier" and not node.value_quoted:
        return tier == node.value
    return None


def ruled_out_tiers(node: segments.Node, rows: Sequence[RosterRow]) -> set[str | None]:
    """The stored tiers (None: none stored, read as ``ordinary``) whose members ``node`` cannot match."""
    return {tier for tier in {r.tier for r in rows} if by_tier(node, tier or "ordinary") is False}


def reserved_only(node: segments.Node) -> bool:
    """Whether every atom of the query tests the tier or the lifecycle (nothing a roster row lacks)."""
    if isinstance(node, segments.Or | segments.And):
        return all(reserved_only(n) for n in node.items)
    if isinstance(node, segments.Not):
        return reserved_only(node.item)
    return node.op is not None and node.name in segments.RESERVED and not node.value_quoted


def _reserved_match(node: segments.Node, tier: str, lifecycle: str) -> bool:
    """``segments.matches`` for a query of tiers and stages only."""
    if isinstance(node, segments.Or):
        return any(_reserved_match(n, tier, lifecycle) for n in node.items)
    if isinstance(node, segments.And):
        return all(_reserved_match(n, tier, lifecycle) for n in node.items)
    if isinstance(node, segments.Not):
        return not _reserved_match(node.item, tier, lifecycle)
    return (tier if node.name == "tier" else lifecycle) == node.value


async def select_reserved(repo: Repo, cfg: Config, group_id: str, node: segments.Node,
                          t: float) -> list[tuple[RosterRow, str]]:
    """``segments.select`` over the group for a query of tiers and stages only (:func:`reserved_only`), from
    the roster: each member kept, with their stage at ``t``."""
    rows = await repo.members.roster(group_id)
    ruled_out = ruled_out_tiers(node, rows)
    rows = [r for r in rows if not r.opted_out and r.tier not in ruled_out]
    stage_of = await stages(repo, cfg, group_id, facts_of(group_id, rows, await repo.members.membership(group_id)), t)
    keep_left = segments.asks_for_left(node)
    verdicts: dict[tuple[str, str], bool] = {}  # a handful of (tier, stage) pairs for thousands of members
    kept = []
    for r in rows:
        st = stage_of[r.member_id]
        pair = (r.tier or "ordinary", st)
        if pair not in verdicts:
            verdicts[pair] = (keep_left or st != "left") and _reserved_match(node, *pair)
        if verdicts[pair]:
            kept.append((r, st))
    return kept
