"""What the recompute derives and stores: its fingerprint, activity tags, value tiers, lifecycle states and
transitions."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, delete, func, insert, select
from sqlalchemy.sql import Executable
from sqlmodel import col

from storage.models import (
    Checkin,
    LifecycleTransition,
    Member,
    MemberAttribute,
    MembershipEvent,
    MemberState,
    MemberTag,
    TagRejection,
)
from storage.repo import commerce, settings
from storage.repo.prepared import Prepared, dialect_insert
from storage.repo.privacy import refused_among
from storage.repo.settings import FINGERPRINT, TIER_WEIGHTS
from storage.repo.upserts import insert_ignore


@dataclass(frozen=True, slots=True)
class DerivedTag:
    """An activity tag computed by a recompute, with the JSON evidence of why it holds."""

    member_id: str
    tag: str
    category: str
    score: float | None
    evidence: str


@dataclass(frozen=True, slots=True)
class DerivedState:
    member_id: str
    tier: str
    score: float
    breakdown: str
    stage: str


@dataclass(frozen=True, slots=True)
class Transition:
    member_id: str
    from_stage: str
    to_stage: str
    at: float


def fingerprint(conn: Connection, group_id: str) -> str:
    """Changes whenever any input of a recompute changes (messages, joins, tags, attributes, rejections).
    Keyword tag hits are no input of a recompute (their scores are computed on read); counting them scanned
    every hit of the group on each read."""
    parts: list[object] = []
    parts += list(conn.execute(select(func.count(), func.sum(col(Member.messages)), func.max(col(Member.last_seen)))
                               .where(col(Member.group_id) == group_id)).one())
    for model in (MembershipEvent, MemberAttribute, TagRejection, Checkin):
        parts += list(conn.execute(select(func.count(), func.max(col(model.at)))
                                   .where(col(model.group_id) == group_id)).one())
    parts += list(conn.execute(select(func.count(), func.max(col(MemberTag.at))).where(
        col(MemberTag.group_id) == group_id, col(MemberTag.source) != "activity")).one())
    parts.append(settings.value(conn, group_id, TIER_WEIGHTS))
    parts += commerce.fingerprint_part(conn, group_id)
    return json.dumps(parts)


_STATE_COLUMNS = ("group_id", "member_id", "tier", "score", "breakdown", "stage", "stage_since", "at")


def _state_upsert(dialect: str) -> Executable:
    stmt = dialect_insert(dialect, MemberState).values({c: bindparam(c) for c in _STATE_COLUMNS})
    result: Executable = stmt.on_conflict_do_update(
        index_elements=["group_id", "member_id"],
        set_={c: getattr(stmt.excluded, c) for c in _STATE_COLUMNS if c not in ("group_id", "member_id")})
    return result


STATE_UPSERT = Prepared(_state_upsert)


def save_recompute(conn: Connection, group_id: str, tags: Sequence[DerivedTag], states: Sequence[DerivedState],
                   now: float, stamp: str) -> list[Transition]:
    """Replace the group's activity tags and states; record lifecycle transitions; returns them.

    Members who refused profiling keep what they had (hidden on read): nothing of theirs is derived anew."""
    hidden = refused_among(conn, group_id, {t.member_id for t in tags} | {s.member_id for s in states})
    tags = [t for t in tags if t.member_id not in hidden]
    states = [s for s in states if s.member_id not in hidden]
    # Only the tags a recompute derives (category "activity"); channel tags set at join time stay.
    conn.execute(delete(MemberTag).where(col(MemberTag.group_id) == group_id, col(MemberTag.source) == "activity",
                                         col(MemberTag.category) == "activity", col(MemberTag.member_id).not_in(
                                             list(hidden))))
    if tags:
        insert_ignore(conn, MemberTag, [{"group_id": group_id, "member_id": t.member_id, "tag": t.tag,
                                         "category": t.category, "source": "activity", "score": t.score,
                                         "at": now, "evidence": t.evidence} for t in tags])
    m = MemberState
    old = {str(mid): (str(stage), float(since), float(at)) for mid, stage, since, at in conn.execute(
        select(col(m.member_id), col(m.stage), col(m.stage_since), col(m.at)).where(col(m.group_id) == group_id))}
    moved: list[Transition] = []
    rows = []
    for s in states:
        prev = old.get(s.member_id)
        since = now
        if prev is not None and prev[0] == s.stage:
            since = prev[1]
        elif prev is not None and prev[0] and now >= prev[2]:
            moved.append(Transition(s.member_id, prev[0], s.stage, now))
        elif prev is not None and prev[0]:  # a recompute for an earlier time: keep the later state
            continue
        rows.append({"group_id": group_id, "member_id": s.member_id, "tier": s.tier, "score": s.score,
                     "breakdown": s.breakdown, "stage": s.stage, "stage_since": since, "at": now})
    STATE_UPSERT.many(conn, rows)  # one prepared statement for the whole group: 10,000 rows in well under a second
    if moved:
        conn.execute(insert(LifecycleTransition), [{"group_id": group_id, "member_id": t.member_id,
                                                   "from_stage": t.from_stage, "to_stage": t.to_stage,
                                                   "at": t.at} for t in moved])
    settings.put(conn, group_id, FINGERPRINT, stamp, now)
    return moved


def transitions(conn: Connection, group_id: str, since: float) -> list[Transition]:
    t = LifecycleTransition
    rows = conn.execute(select(t).where(col(t.group_id) == group_id, col(t.at) >= since)
                        .order_by(col(t.at), col(t.id))).all()
    return [Transition(r.member_id, r.from_stage, r.to_stage, r.at) for r in rows]


def states(conn: Connection, group_id: str) -> dict[str, tuple[str, float, str]]:
    """member → (tier, score, breakdown JSON) from the last recompute."""
    rows = conn.execute(select(col(MemberState.member_id), col(MemberState.tier), col(MemberState.score),
                               col(MemberState.breakdown)).where(col(MemberState.group_id) == group_id)).all()
    return {str(m): (str(t), float(s), str(b)) for m, t, s, b in rows}
