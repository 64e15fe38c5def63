"""Aggregate reads for the morning report and the weekly digest (windows, top tags, contributors, helpers, hours)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, func, select
from sqlalchemy.orm import aliased
from sqlmodel import col

from storage.models import (
    Member,
    MemberHour,
    MembershipEvent,
    MessageRow,
    TagHit,
)


@dataclass(frozen=True, slots=True)
class Window:
    """Activity of a group between two instants."""

    messages: int
    active_members: int
    joined: list[tuple[str, str]]  # (member, name)
    left: int


def window(conn: Connection, group_id: str, start: float, end: float) -> Window:
    m = MessageRow
    msgs, active = conn.execute(select(func.count(), func.count(func.distinct(col(m.member_id)))).where(
        col(m.group_id) == group_id, col(m.at) >= start, col(m.at) < end)).one()
    e = MembershipEvent
    joins = conn.execute(select(col(e.member_id), col(Member.name))
                         .outerjoin(Member, and_(col(Member.group_id) == group_id,
                                                 col(Member.member_id) == col(e.member_id)))
                         .where(col(e.group_id) == group_id, col(e.kind) == "join", col(e.at) >= start,
                                col(e.at) < end).order_by(col(e.at))).all()
    left = int(conn.execute(select(func.count(func.distinct(col(e.member_id)))).where(
        col(e.group_id) == group_id, col(e.kind) == "leave", col(e.at) >= start, col(e.at) < end)).scalar() or 0)
    seen: dict[str, str] = {}
    for mid, name in joins:
        seen.setdefault(str(mid), str(name or ""))
    return Window(int(msgs or 0), int(active or 0), list(seen.items()), left)


def top_tags(conn: Connection, group_id: str, start: float, end: float, limit: int = 5) -> list[tuple[str, int, int]]:
    """(tag, hits, members) between ``start`` and ``end``, most hits first."""
    t = TagHit
    n = func.count().label("n")
    rows = conn.execute(select(col(t.tag), n, func.count(func.distinct(col(t.member_id))))
                        .where(col(t.group_id) == group_id, col(t.at) >= start, col(t.at) < end)
                        .group_by(col(t.tag)).order_by(n.desc(), col(t.tag)).limit(limit)).all()
    return [(str(a), int(b), int(c)) for a, b, c in rows]


def top_contributors(conn: Connection, group_id: str, start: float, end: float,
                     limit: int = 5) -> list[tuple[str, str, int]]:
    m = MessageRow
    n = func.count().label("n")
    rows = conn.execute(select(col(m.member_id), col(Member.name), n)
                        .outerjoin(Member, and_(col(Member.group_id) == group_id,
                                                col(Member.member_id) == col(m.member_id)))
                        .where(col(m.group_id) == group_id, col(m.at) >= start, col(m.at) < end)
                        .group_by(col(m.member_id), col(Member.name)).order_by(n.desc(), col(m.member_id))
                        .limit(limit)).all()
    return [(str(a), str(b or ""), int(c)) for a, b, c in rows]


def top_helpers(conn: Connection, group_id: str, start: float, end: float,
                limit: int = 5) -> list[tuple[str, str, int]]:
    """Members by replies to other members' messages (answers, help)."""
    m = MessageRow
    orig: Any = aliased(MessageRow)
    n = func.count().label("n")
    rows = conn.execute(select(col(m.member_id), col(Member.name), n)
                        .join(orig, and_(orig.group_id == col(m.group_id), orig.message_id == col(m.reply_to)))
                        .outerjoin(Member, and_(col(Member.group_id) == group_id,
                                                col(Member.member_id) == col(m.member_id)))
                        .where(col(m.group_id) == group_id, col(m.at) >= start, col(m.at) < end,
                               orig.member_id != col(m.member_id))
                        .group_by(col(m.member_id), col(Member.name)).order_by(n.desc(), col(m.member_id))
                        .limit(limit)).all()
    return [(str(a), str(b or ""), int(c)) for a, b, c in rows]


def group_hours(conn: Connection, group_id: str) -> list[int]:
    """All-time messages per local hour for the group (24 counts)."""
    out = [0] * 24
    for hour, n in conn.execute(select(col(MemberHour.hour), func.sum(col(MemberHour.messages))).where(
            col(MemberHour.group_id) == group_id).group_by(col(MemberHour.hour))):
        out[int(hour)] = int(n or 0)
    return out


def tag_message_times(conn: Connection, group_id: str, since: float,
                      tag: str | None = None) -> list[tuple[str, str, int]]:
    """(tag, local day, local hour) of every tag hit since ``since`` (of ``tag`` only, when given)."""
    t, m = TagHit, MessageRow
    only = [] if tag is None else [col(t.tag) == tag]
    rows = conn.execute(select(col(t.tag), col(m.local_day), col(m.local_hour))
                        .join(m, and_(col(m.group_id) == col(t.group_id), col(m.message_id) == col(t.message_id)))
                        .where(col(t.group_id) == group_id, col(t.at) >= since, *only)).all()
    return [(str(a), str(b), int(c)) for a, b, c in rows]


def tag_hits_between(conn: Connection, group_id: str, tags: Sequence[str], start: float, end: float) -> int:
    return int(conn.execute(select(func.count()).where(
        col(TagHit.group_id) == group_id, col(TagHit.tag).in_(list(tags)), col(TagHit.at) > start,
        col(TagHit.at) <= end)).scalar() or 0)
