"""Console chart reads: a group's activity as daily series (one aggregate query each, whatever the size; the
message counts come from ``rollups``)."""

from __future__ import annotations

from sqlalchemy import Connection, and_, func, select
from sqlmodel import col

from storage.models import Checkin, Member, MembershipEvent, MemberState, MessageRow, TagHit
from storage.repo import surveys


def membership_times(conn: Connection, group_id: str, since: float) -> list[tuple[str, str, float]]:
    """(kind, member, at) of every join and leave since ``since``, oldest first (the caller buckets them
    into local days: only it knows the group's zone)."""
    e = MembershipEvent
    rows = conn.execute(select(col(e.kind), col(e.member_id), col(e.at))
                        .where(col(e.group_id) == group_id, col(e.at) >= since).order_by(col(e.at))).all()
    return [(str(k), str(m), float(a)) for k, m, a in rows]


def member_checkins(conn: Connection, group_id: str, member_id: str, since_day: str) -> list[tuple[str, int]]:
    """(local day, streak) of one member's check-ins from ``since_day`` on, oldest first."""
    c = Checkin
    rows = conn.execute(select(col(c.day), col(c.streak)).where(
        col(c.group_id) == group_id, col(c.member_id) == member_id, col(c.day) >= since_day).order_by(col(c.day)))
    return [(str(d), int(s)) for d, s in rows]


def tag_weeks(conn: Connection, group_id: str, tags: list[str], start: float, end: float,
              week_s: float) -> list[tuple[str, int, int]]:
    """(tag, week index from ``start``, hits) of ``tags`` up to ``end``: one count over the covering
    (group, tag, at) index per tag and week, no row read."""
    t = TagHit
    out = []
    for tag in tags:
        week, at = 0, start
        while at < end:
            n = conn.execute(select(func.count()).where(col(t.group_id) == group_id, col(t.tag) == tag,
                                                        col(t.at) >= at, col(t.at) < min(at + week_s, end))).scalar()
            out.append((tag, week, int(n or 0)))
            week, at = week + 1, at + week_s
    return out


def recent_texts(conn: Connection, group_id: str, limit: int) -> tuple[int, list[str]]:
    """(messages looked at, their stored texts) of the group's latest ``limit`` messages, newest first."""
    m = MessageRow
    rows = conn.execute(select(col(m.text)).where(col(m.group_id) == group_id)
                        .order_by(col(m.at).desc()).limit(limit)).all()
    return len(rows), [str(t) for (t,) in rows if t]


def recent_hit_keywords(conn: Connection, group_id: str, limit: int) -> list[str]:
    """The keyword of each of the group's latest ``limit`` tag hits, newest first: a hit has its message's
    time, so the latest messages (walked on the group's time index) hold the latest hits."""
    t, m = TagHit, MessageRow
    rows = conn.execute(select(col(t.keyword)).select_from(m).join(
        t, and_(col(t.group_id) == col(m.group_id), col(t.message_id) == col(m.message_id)))
        .where(col(m.group_id) == group_id).order_by(col(m.at).desc()).limit(limit)).all()
    return [str(k) for (k,) in rows]


def current_stages(conn: Connection, group_id: str) -> tuple[dict[str, str], list[str]]:
    """(member → lifecycle stage from the last recompute, members who opted out): a recompute leaves the
    latter's stored state as it was, so their stage is not read from it."""
    s, m = MemberState, Member
    refused = [str(mid) for (mid,) in conn.execute(select(col(m.member_id)).where(
        col(m.group_id) == group_id, col(m.opted_out).is_(True))).all()]
    out = set(refused)
    stages = {str(mid): str(st) for mid, st in conn.execute(select(col(s.member_id), col(s.stage)).where(
        col(s.group_id) == group_id)).all() if st and mid not in out}
    return stages, refused


def tier_counts(conn: Connection, group_id: str) -> dict[str, int]:
    """Members per value tier as the last recompute stored them."""
    s = MemberState
    return {str(t): int(n) for t, n in conn.execute(select(col(s.tier), func.count()).where(
        col(s.group_id) == group_id).group_by(col(s.tier))).all()}


def present_members(conn: Connection, group_id: str) -> int:
    """How many members have not left (no leave, or a join after their latest leave)."""
    return int(conn.execute(select(func.count()).where(col(Member.group_id) == group_id, surveys.present()))
               .scalar() or 0)
