"""Activity tags (source ``activity``): pure functions of a group's stored facts, signals and config.

Each tag carries JSON evidence — the rule, the measured value, the threshold and example message ids
(never message text) — so ``/why`` can explain it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.core.config import ActivityTagsConfig
from bot.core.timeutil import day_minus, iso_utc, local
from bot.domain.lurkers import is_lurker, lurker_evidence
from storage.repo import DerivedTag, MemberFacts, Signal

DAY = 86400.0
ANSWER_WINDOW_S = DAY  # a mention counts as an answer to the mentioned member's question of the last 24 h
EXAMPLES = 3

NIGHT_OWL, EARLY_BIRD, TOP_TALKER, LURKER = "夜猫子", "早起", "话痨", "潜水"
ASKER, HELPER, SHARER, NODE, SEED, INVITER = "提问者", "答疑者", "分享者", "节点用户", "种子用户", "邀请达人"
CHECKIN_STREAK = "打卡达人"
ACTIVITY_TAGS = (NIGHT_OWL, EARLY_BIRD, TOP_TALKER, LURKER, ASKER, HELPER, SHARER, NODE, SEED, INVITER,
                 CHECKIN_STREAK)


@dataclass(slots=True)
class Interactions:
    """What the group's signals say about each member over the window."""

    questions: dict[str, list[Signal]] = field(default_factory=lambda: defaultdict(list))
    links: dict[str, list[Signal]] = field(default_factory=lambda: defaultdict(list))
    answers: dict[str, dict[str, Signal]] = field(default_factory=lambda: defaultdict(dict))
    drawn: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


def interactions(signals: Sequence[Signal]) -> Interactions:
    """Questions, links, answers (replies to or mentions of someone who just asked) and who drew whom."""
    out = Interactions()
    by_id = {s.message_id: s for s in signals}
    last_question: dict[str, Signal] = {}
    for s in signals:  # in time order
        if s.question:
            out.questions[s.member_id].append(s)
        if s.link:
            out.links[s.member_id].append(s)
        target = by_id.get(s.reply_to) if s.reply_to else None
        if target is not None and target.member_id != s.member_id:
            out.drawn[target.member_id].add(s.member_id)
            if target.question and not s.question:
                out.answers[s.member_id][target.message_id] = s
        for m in s.mentions:
            out.drawn[m].add(s.member_id)
            q = last_question.get(m)
            if q is not None and not s.question and 0 <= s.at - q.at <= ANSWER_WINDOW_S:
                out.answers[s.member_id].setdefault(q.message_id, s)
        if s.question:
            last_question[s.member_id] = s
    return out


def _examples(sigs: Sequence[Signal]) -> list[dict[str, Any]]:
    return [{"at": iso_utc(s.at), "message": s.message_id} for s in sorted(sigs, key=lambda s: -s.at)[:EXAMPLES]]


def window_messages(f: MemberFacts, now: float, tz: str, days: int) -> int:
    start = day_minus(local(now, tz).date().isoformat(), days - 1)
    return sum(n for d, n in f.days.items() if d >= start)


def compute_tags(facts: Sequence[MemberFacts], inter: Interactions, stages: Mapping[str, str],
                 cfg: ActivityTagsConfig, now: float, tz: str,
                 streaks: Mapping[str, int] | None = None, *, admins: Collection[str]) -> list[DerivedTag]:
    """Every activity tag of every current, not-opted-out member (``admins``: the group's, never 潜水)."""
    current = [f for f in facts if stages.get(f.member_id) != "left" and not f.opted_out]
    window = {f.member_id: window_messages(f, now, tz, cfg.window_days) for f in facts}
    group_window = sum(window.values())
    first = sorted(facts, key=lambda f: (f.joined_at if f.joined_at is not None else f.first_seen, f.member_id))
    seeds = {f.member_id for f in first[:cfg.seed_first]} if len(facts) > cfg.seed_first else set()
    stayed: dict[str, list[str]] = defaultdict(list)
    for f in facts:
        if f.invited_by and stages.get(f.member_id) != "left":
            stayed[f.invited_by].append(f.member_id)
    out: list[DerivedTag] = []
    for f in current:
        mid = f.member_id
        found: list[tuple[str, float | None, dict[str, Any]]] = []
        total = sum(f.hours)
        if total >= cfg.min_messages:
            for name, hours, need in ((NIGHT_OWL, cfg.night_hours, cfg.night_share),
                                      (EARLY_BIRD, cfg.early_hours, cfg.early_share)):
                share = sum(f.hours[h] for h in set(hours)) / total
                if share >= need:
                    found.append((name, round(share, 2), {"rule": "share of messages in hours", "hours": sorted(
                        set(hours)), "value": round(share, 2), "threshold": need, "messages": total}))
        if group_window and window[mid] >= cfg.min_messages and window[mid] / group_window >= cfg.top_talker_share:
            share = window[mid] / group_window
            found.append((TOP_TALKER, round(share, 2), {"rule": "share of the group's messages",
                                                        "days": cfg.window_days, "value": round(share, 2),
                                                        "threshold": cfg.top_talker_share, "messages": window[mid]}))
        if is_lurker(f, now, cfg, admins):
            found.append((LURKER, None, lurker_evidence(f, now, cfg)))
        for name, sigs, need in ((ASKER, inter.questions.get(mid, []), cfg.asker_min_questions),
                                 (HELPER, list(inter.answers.get(mid, {}).values()), cfg.helper_min_answers),
                                 (SHARER, inter.links.get(mid, []), cfg.sharer_min_links)):
            if len(sigs) >= need:
                found.append((name, float(len(sigs)), {"rule": "count in window", "days": cfg.window_days,
                                                       "value": len(sigs), "threshold": need,
                                                       "examples": _examples(sigs)}))
        drawn = inter.drawn.get(mid, set())
        if len(drawn) >= cfg.node_min_distinct:
            found.append((NODE, float(len(drawn)), {"rule": "distinct members replying or mentioning",
                                                    "value": len(drawn), "threshold": cfg.node_min_distinct}))
        if mid in seeds and stages.get(mid) in ("active", "new"):
            found.append((SEED, None, {"rule": "among the first members, still active",
                                       "first": cfg.seed_first, "stage": stages.get(mid)}))
        if len(stayed.get(mid, [])) >= cfg.inviter_min_stayed:
            found.append((INVITER, float(len(stayed[mid])), {"rule": "invited members who stayed",
                                                             "value": len(stayed[mid]),
                                                             "threshold": cfg.inviter_min_stayed}))
        streak = (streaks or {}).get(mid, 0)
        if streak >= cfg.checkin_min_streak:
            found.append((CHECKIN_STREAK, float(streak), {"rule": "running check-in streak (days)",
                                                          "value": streak, "threshold": cfg.checkin_min_streak}))
        for name, score, ev in found:
            if name in f.rejections:  # an admin took it off: it stays off until they put it back
                continue
            out.append(DerivedTag(mid, name, "activity", score, json.dumps(ev, ensure_ascii=False)))
    return out


def invited_stayed(facts: Sequence[MemberFacts], stages: Mapping[str, str]) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for f in facts:
        if f.invited_by and stages.get(f.member_id) != "left":
            out[f.invited_by] += 1
    return out
