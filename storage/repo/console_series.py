"""Console chart reads: a group's activity as daily series (one aggregate query each, whatever the size)."""

from __future__ import annotations

from sqlalchemy import Connection, Integer, func, select
from sqlmodel import col

from storage.models import Checkin, MemberDay, MembershipEvent, MessageRow, TagHit


def messages_by_day(conn: Connection, group_id: str, since_day: str) -> dict[str, int]:
    """Local day (ISO, the group's zone) → messages, from ``since_day`` on; days without messages absent."""
    d = MemberDay
    rows = conn.execute(select(col(d.day), func.sum(col(d.messages)))
                        .where(col(d.group_id) == group_id, col(d.day) >= since_day).group_by(col(d.day))).all()
    return {str(day): int(n or 0) for day, n in rows}


def membership_times(conn: Connection, group_id: str, since: float) -> list[tuple[str, str, float]]:
    """(kind, member, at) of every join and leave since ``since``, oldest first (the caller buckets them
    into local days: only it knows the group's zone)."""
    e = MembershipEvent
    rows = conn.execute(select(col(e.kind), col(e.member_id), col(e.at))
                        .where(col(e.group_id) == group_id, col(e.at) >= since).order_by(col(e.at))).all()
    return [(str(k), str(m), float(a)) for k, m, a in rows]


def messages_by_day_hour(conn: Connection, group_id: str, since_day: str) -> list[tuple[str, int, int]]:
    """(local day, local hour, messages) from ``since_day`` on: the heat map's cells before the caller folds
    days into weekdays."""
    m = MessageRow
    rows = conn.execute(select(col(m.local_day), col(m.local_hour), func.count())
                        .where(col(m.group_id) == group_id, col(m.local_day) >= since_day)
                        .group_by(col(m.local_day), col(m.local_hour))).all()
    return [(str(d), int(h), int(n)) for d, h, n in rows]


def member_checkins(conn: Connection, group_id: str, member_id: str, since_day: str) -> list[tuple[str, int]]:
    """(local day, streak) of one member's check-ins from ``since_day`` on, oldest first."""
    c = Checkin
    rows = conn.execute(select(col(c.day), col(c.streak)).where(
        col(c.group_id) == group_id, col(c.member_id) == member_id, col(c.day) >= since_day).order_by(col(c.day)))
    return [(str(d), int(s)) for d, s in rows]


def tag_weeks(conn: Connection, group_id: str, tags: list[str], start: float,
              week_s: float) -> list[tuple[str, int, int]]:
    """(tag, week index from ``start``, hits) of ``tags``: one covering-index range per tag, no join."""
    t = TagHit
    week = func.cast((col(t.at) - start) / week_s, Integer)
    rows = conn.execute(select(col(t.tag), week, func.count())
                        .where(col(t.group_id) == group_id, col(t.tag).in_(tags), col(t.at) >= start)
                        .group_by(col(t.tag), week)).all()
    return [(str(a), int(w), int(n)) for a, w, n in rows]


def recent_texts(conn: Connection, group_id: str, limit: int) -> tuple[int, list[str]]:
    """(messages looked at, their stored texts) of the group's latest ``limit`` messages, newest first."""
    m = MessageRow
    rows = conn.execute(select(col(m.text)).where(col(m.group_id) == group_id)
                        .order_by(col(m.at).desc()).limit(limit)).all()
    return len(rows), [str(t) for (t,) in rows if t]


def recent_hit_keywords(conn: Connection, group_id: str, limit: int) -> list[str]:
    """The keyword of each of the group's latest ``limit`` tag hits, newest first."""
    t = TagHit
    rows = conn.execute(select(col(t.keyword)).where(col(t.group_id) == group_id)
                        .order_by(col(t.at).desc()).limit(limit)).all()
    return [str(k) for (k,) in rows]
