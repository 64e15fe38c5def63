"""The group's roster: every member's cheap columns in one read (the member row with the tier and stage the last
recompute stored; join/leave events in another), so a list can filter, sort and count a large group before it builds
full profiles for the page it shows."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import NamedTuple

from sqlalchemy import ColumnElement, Connection, Integer, and_, cast, func, or_, select
from sqlmodel import col

from storage.models import Member, MemberDay, MembershipEvent, MemberState, TagRejection
from storage.repo.id_lists import among
from storage.repo.scores import TagScore, raw_rows, scores_at


class RosterRow(NamedTuple):
    """One member's cheap columns: the member row and what the last recompute stored (``stage`` ``""`` and
    ``stage_at`` 0 when it stored nothing for them)."""

    member_id: str
    name: str
    messages: int
    first_seen: float
    last_seen: float
    last_message_at: float | None
    opted_out: bool
    tier: str | None
    stage: str
    stage_at: float


def roster(conn: Connection, group_id: str) -> list[RosterRow]:
    """Every member of the group, in ``member_id`` order."""
    m, s = Member, MemberState
    q = select(col(m.member_id), col(m.name), col(m.messages), col(m.first_seen), col(m.last_seen),
               col(m.last_message_at), col(m.opted_out), col(s.tier), col(s.stage), col(s.at)) \
        .outerjoin(s, and_(col(s.group_id) == col(m.group_id), col(s.member_id) == col(m.member_id))) \
        .where(col(m.group_id) == group_id)
    rows = [RosterRow(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), r[7], r[8] or "", r[9] or 0.0)
            for r in raw_rows(conn, q)]
    rows.sort(key=lambda r: r.member_id)
    return rows


def tier_counts(conn: Connection, group_id: str) -> tuple[dict[str | None, int], int]:
    """Members not opted out per stored tier (None: none stored), and every member of the group."""
    m, s = Member, MemberState
    q = select(col(s.tier), func.count(), func.sum(cast(col(m.opted_out), Integer))) \
        .select_from(m).outerjoin(s, and_(col(s.group_id) == col(m.group_id), col(s.member_id) == col(m.member_id))) \
        .where(col(m.group_id) == group_id).group_by(col(s.tier))
    counts: dict[str | None, int] = {}
    total = 0
    for tier, n, out in conn.execute(q).all():
        counts[tier] = int(n) - int(out or 0)
        total += int(n)
    return counts, total


def in_tiers(conn: Connection, group_id: str, tiers: Collection[str | None]) -> list[str]:
    """Members not opted out whose stored tier is one of ``tiers`` (None: none stored), in ``member_ids`` order."""
    m, s = Member, MemberState
    named = [t for t in tiers if t is not None]
    wanted: ColumnElement[bool] = col(s.tier).in_(named)
    if None in tiers:
        wanted = or_(wanted, col(s.tier).is_(None))
    q = select(col(m.member_id)).select_from(m) \
        .outerjoin(s, and_(col(s.group_id) == col(m.group_id), col(s.member_id) == col(m.member_id))) \
        .where(col(m.group_id) == group_id, col(m.opted_out).is_(False), wanted) \
        .order_by(col(m.first_seen), col(m.member_id))
    return [str(r[0]) for r in raw_rows(conn, q)]


def membership(conn: Connection, group_id: str) -> dict[str, list[tuple[str, float]]]:
    """member → their join/leave events as (kind, at), oldest first (members with none are left out)."""
    e = MembershipEvent
    out: dict[str, list[tuple[str, float]]] = {}
    events = raw_rows(conn, select(col(e.member_id), col(e.kind), col(e.at)).where(col(e.group_id) == group_id))
    for mid, kind, at in sorted(events, key=lambda ev: float(ev[2])):
        out.setdefault(str(mid), []).append((str(kind), float(at)))
    return out


def active_days(conn: Connection, group_id: str, ids: Sequence[str] | None) -> dict[str, int]:
    """member → all-time active local days (``ids`` None: the whole group; members with none are left out)."""
    d = MemberDay
    where = [col(d.group_id) == group_id] + ([] if ids is None else [among(conn, col(d.member_id), ids)])
    rows = raw_rows(conn, select(col(d.member_id), func.count()).where(*where).group_by(col(d.member_id)))
    return {str(mid): int(n) for mid, n in rows}


def member_scores_at(conn: Connection, group_id: str, member_id: str, times: Sequence[float],
                     half_life_days: float, tags: Collection[str]) -> list[dict[str, TagScore]]:
    """One member's keyword scores of ``tags`` at each of ``times``, as ``member_facts`` computes them at one
    time (the rejection join only when the member has a rejection)."""
    r = TagRejection
    rejected = conn.execute(select(col(r.tag)).where(col(r.group_id) == group_id, col(r.member_id) == member_id)
                            .limit(1)).first() is not None
    found = scores_at(conn, group_id, [member_id], times, half_life_days, tags, rejections=rejected)
    return [{tag: sc for (_m, tag), sc in at.items()} for at in found]
