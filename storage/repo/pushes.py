"""Bot posts and what the group did around them: who was a member then, who posted in a time window."""

from __future__ import annotations

from sqlalchemy import Connection, func, insert, or_, select, update
from sqlmodel import col

from storage.models import BotPost, Member, MemberReaction, MessageRow

PostRow = tuple[int, str, float, str, int, int, float | None, float | None, bool]


def record_post(conn: Connection, group_id: str, kind: str, at: float, slot: str) -> None:
    conn.execute(insert(BotPost).values(group_id=group_id, kind=kind, at=at, slot=slot, members=0, responders=0,
                                        final=False))


def posts(conn: Connection, group_id: str, since: float, kinds: tuple[str, ...] = ()) -> list[PostRow]:
    """(id, kind, at, slot, members, responders, response_rate, baseline_rate, final) since ``since``."""
    q = select(col(BotPost.id), col(BotPost.kind), col(BotPost.at), col(BotPost.slot), col(BotPost.members),
               col(BotPost.responders), col(BotPost.response_rate), col(BotPost.baseline_rate),
               col(BotPost.final)).where(col(BotPost.group_id) == group_id, col(BotPost.at) >= since)
    if kinds:
        q = q.where(col(BotPost.kind).in_(kinds))
    return [(int(i or 0), str(k), float(at), str(s), int(m), int(r), rr, br, bool(f))
            for i, k, at, s, m, r, rr, br, f in conn.execute(q.order_by(col(BotPost.at), col(BotPost.id))).all()]


def finish_post(conn: Connection, post_id: int, members: int, responders: int, response_rate: float | None,
                baseline_rate: float | None) -> None:
    conn.execute(update(BotPost).where(col(BotPost.id) == post_id).values(
        members=members, responders=responders, response_rate=response_rate, baseline_rate=baseline_rate,
        final=True))


def members_at(conn: Connection, group_id: str, at: float) -> set[str]:
    """Members of the group at ``at``: seen or joined by then, and not gone before it."""
    since = func.coalesce(col(Member.joined_at), col(Member.first_seen))
    rows = conn.execute(select(col(Member.member_id)).where(
        col(Member.group_id) == group_id, since <= at,
        or_(col(Member.left_at).is_(None), col(Member.left_at) > at))).all()
    return {str(m) for (m,) in rows}


def posters_between(conn: Connection, group_id: str, start: float, end: float) -> set[str]:
    """Members who posted in the group, or reacted to a message there, in ``[start, end)``."""
    rows = conn.execute(select(col(MessageRow.member_id)).distinct().where(
        col(MessageRow.group_id) == group_id, col(MessageRow.at) >= start, col(MessageRow.at) < end)).all()
    reacted = conn.execute(select(col(MemberReaction.member_id)).distinct().where(
        col(MemberReaction.group_id) == group_id, col(MemberReaction.at) >= start,
        col(MemberReaction.at) < end)).all()
    return {str(m) for (m,) in rows} | {str(m) for (m,) in reacted}


def record_reaction(conn: Connection, group_id: str, member_id: str, at: float, message_id: str) -> None:
    conn.execute(insert(MemberReaction).values(group_id=group_id, member_id=member_id, at=at, message_id=message_id))


def first_message_at(conn: Connection, group_id: str) -> float | None:
    at = conn.execute(select(func.min(col(MessageRow.at))).where(col(MessageRow.group_id) == group_id)).scalar()
    return float(at) if at is not None else None
