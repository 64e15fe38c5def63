"""Aggregate reads for the morning report and the weekly digest (windows, top tags, contributors, helpers, hours)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, func, select, text
from sqlalchemy.orm import aliased
from sqlmodel import col

from storage.models import (
    Member,
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


def group_tags(conn: Connection, group_id: str) -> list[str]:
    """Every tag the group has hits of, found by one index seek per tag (a loose index scan) instead of
    reading every hit."""
    rows = conn.execute(text(
        "WITH RECURSIVE t(tag) AS (SELECT min(tag) FROM tag_hits WHERE group_id = :g UNION ALL "
        "SELECT (SELECT min(tag) FROM tag_hits WHERE group_id = :g AND tag > t.tag) FROM t WHERE t.tag IS NOT NULL) "
        "SELECT tag FROM t WHERE tag IS NOT NULL"), {"g": group_id}).all()
    return [str(t) for (t,) in rows]


def top_tags(conn: Connection, group_id: str, start: float, end: float, limit: int = 5) -> list[tuple[str, int, int]]:
    """(tag, hits, members) between ``start`` and ``end``, most hits first. Counted tag by tag on the
    (group, tag, at) index, members only for the tags shown."""
    t = TagHit
    tags = group_tags(conn, group_id)
    if not tags:
        return []
    n = func.count().label("n")
    in_time = (col(t.group_id) == group_id, col(t.at) >= start, col(t.at) < end)
    top = conn.execute(select(col(t.tag), n).where(col(t.tag).in_(tags), *in_time)
                       .group_by(col(t.tag)).order_by(n.desc(), col(t.tag)).limit(limit)).all()
    members = dict(conn.execute(select(col(t.tag), func.count(func.distinct(col(t.member_id))))
                                .where(col(t.tag).in_([a for a, _b in top]), *in_time).group_by(col(t.tag))).all())
    return [(str(a), int(b), int(members.get(a, 0))) for a, b in top]


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
