"""The recompute: activity tags, value tiers and lifecycle transitions for one group.

``recompute_group`` is scheduler-independent (CLI, tests and the operations jobs call it); ``ensure_fresh``
runs it cheaply on read — only when an input changed (a fingerprint of the group's facts) or the hour
turned (recency moves with the clock).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.core.config import Config
from bot.core.context import Context
from bot.core.timeutil import day_minus, local
from bot.domain import refresh
from bot.domain.activity_tags import compute_tags, interactions, invited_stayed
from bot.domain.lifecycle import HISTORY_DAYS, stage
from bot.domain.lurkers import group_admins
from bot.domain.rfm import group_money
from bot.domain.tiers import CORE, Weights, breakdown
from storage.repo import TIER_WEIGHTS, DerivedState, DerivedTag, MemberFacts, Repo, Transition

DAY = 86400.0
RENEWAL = "recompute"  # the kind of background renewal ``ensure_fresh`` starts (``bot.domain.refresh``)


@dataclass(frozen=True, slots=True)
class Recomputed:
    tags: list[DerivedTag]
    states: list[DerivedState]
    breakdowns: dict[str, dict[str, Any]]
    transitions: list[Transition]


def _repo(ctx_or_repo: Context | Repo) -> Repo:
    return ctx_or_repo.repo if isinstance(ctx_or_repo, Context) else ctx_or_repo


async def group_weights(repo: Repo, cfg: Config, group_id: str) -> Weights:
    """Tier weights: saved for this group from chat, else ``[tiers]``."""
    raw = await repo.settings.setting_value(group_id, TIER_WEIGHTS)
    return Weights.from_json(raw) if raw else Weights.from_config(cfg.tiers)


async def save_weights(repo: Repo, group_id: str, weights: Weights) -> None:
    """Keep ``weights`` for this group (``/tier save``); the next recompute uses them."""
    await repo.settings.set_setting(group_id, TIER_WEIGHTS, weights.to_json())


async def group_facts(repo: Repo, cfg: Config, group_id: str, now: float) -> list[MemberFacts]:
    since = day_minus(local(now, cfg.timezone_of(group_id)).date().isoformat(), HISTORY_DAYS)
    return await repo.members.member_facts(group_id, None, since)  # no keyword scores: nothing here uses them


async def compute(repo: Repo, cfg: Config, group_id: str, now: float,
                  weights: Weights | None = None) -> Recomputed:
    """Everything a recompute would write, without writing it (dry runs use this)."""
    tz = cfg.timezone_of(group_id)
    facts = await group_facts(repo, cfg, group_id, now)
    window = cfg.activity_tags.window_days * DAY
    inter = interactions(await repo.activity.message_signals(group_id, now - window, now))
    stages: dict[str, str] = {}
    for f in facts:
        if (s := stage(f, now, cfg.lifecycle, tz, f.last_message_at)) is not None:
            stages[f.member_id] = s
    facts = [f for f in facts if f.member_id in stages]  # a member first seen after ``now`` is none yet
    today = local(now, tz).date().isoformat()
    checkins = await repo.checkins.checkin_stats(group_id, day_minus(today, cfg.activity_tags.window_days - 1), today,
                                                 day_minus(today, 1))
    tags = compute_tags(facts, inter, stages, cfg.activity_tags, now, tz,
                        {m: streak for m, (_n, streak) in checkins.items()}, admins=group_admins(cfg, group_id))
    stayed = invited_stayed(facts, stages)
    w = weights or await group_weights(repo, cfg, group_id)
    money = group_money(await repo.commerce.group_orders(group_id, until=now), stages, now)
    breakdowns: dict[str, dict[str, Any]] = {}
    states: list[DerivedState] = []
    for f in facts:
        b = breakdown(f, stages[f.member_id], len(inter.answers.get(f.member_id, {})), stayed.get(f.member_id, 0),
                      checkins.get(f.member_id, (0, 0))[0], w, cfg.tiers, cfg.lifecycle.dormant_days, now, tz,
                      None if money is None else money[f.member_id])
        breakdowns[f.member_id] = b
        states.append(DerivedState(f.member_id, b["tier"], b["score"], json.dumps(b, ensure_ascii=False),
                                   stages[f.member_id]))
    return Recomputed(tags, states, breakdowns, [])


def _stamp(fingerprint: str, now: float) -> str:
    return json.dumps([fingerprint, int(now // 3600)])


async def recompute_group(ctx_or_repo: Context | Repo, config: Config, group_id: str, now: float) -> Recomputed:
    """Recompute and store one group's activity tags, tiers and lifecycle stages; transitions are recorded
    with time ``now``. Safe to run any time, from any caller; it commits as the repo's mode says (at once, or
    with the event a bound repo belongs to — then ``transitions`` is empty)."""
    repo = _repo(ctx_or_repo)
    fingerprint, _stored = await repo.profiles.recompute_fingerprint(group_id)
    result = await compute(repo, config, group_id, now)
    moved = await repo.profiles.save_recompute(group_id, result.tags, result.states, now, _stamp(fingerprint, now))
    return Recomputed(result.tags, result.states, result.breakdowns, moved)


async def core_members(repo: Repo, config: Config, group_id: str) -> set[str]:
    """The group's core members: those whose value tier is ``core`` as of now — the one definition that
    ``/tier``, persona cards, ``tier=core`` segments, the weekly digest and the core-declining alert share."""
    await ensure_fresh(repo, config, group_id, repo.clock())
    states = await repo.profiles.member_states(group_id)
    return {m for m, (tier, _score, _breakdown) in states.items() if tier == CORE}


async def ensure_fresh(ctx_or_repo: Context | Repo, config: Config, group_id: str, now: float) -> None:
    """Recompute when the group's facts changed since the last recompute or the hour turned (under
    :func:`refresh.showing_last`, with a recompute stored already: in the background). In the middle of an
    event (a repo bound to its unit of work) the recompute sees the event's own writes and joins its commit, so
    nothing is committed before the event is; outside one it commits at once."""
    repo = _repo(ctx_or_repo)
    fingerprint, stored = await repo.profiles.recompute_fingerprint(group_id)
    if stored == _stamp(fingerprint, now):
        return
    if stored is not None and refresh.show_last():  # the console: show the last one, renew it meanwhile
        refresh.later(RENEWAL, refresh.key(repo.db, group_id),
                      lambda: recompute_group(repo, config, group_id, repo.clock()))
        return
    await recompute_group(repo, config, group_id, now)
