"""Reads for the morning report's highlights: the most-replied-to message, the best-answered question, and
check-in streaks that reached a milestone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, and_, func, select
from sqlalchemy.orm import aliased
from sqlmodel import col

from storage.models import Checkin, Member, MessageRow, Question


@dataclass(frozen=True, slots=True)
class Highlight:
    """A member's message that drew replies; ``text`` is None unless text is stored."""

    member_id: str
    name: str
    replies: int
    text: str | None


def most_replied(conn: Connection, group_id: str, start: float, end: float,
                 questions_only: bool = False) -> Highlight | None:
    """The message with the most replies written between ``start`` and ``end`` (of questions only: the
    best-answered question); ties go to the earlier message."""
    reply = aliased(MessageRow)
    n = func.count().label("n")
    counts = (select(col(reply.reply_to).label("mid"), n)
              .where(col(reply.group_id) == group_id, col(reply.at) >= start, col(reply.at) < end,
                     col(reply.reply_to).is_not(None))
              .group_by(col(reply.reply_to)).subquery())
    q = (select(col(MessageRow.member_id), col(Member.name), counts.c.n, col(MessageRow.text), col(MessageRow.at))
         .join(counts, counts.c.mid == col(MessageRow.message_id))
         .outerjoin(Member, and_(col(Member.group_id) == group_id, col(Member.member_id) == col(MessageRow.member_id)))
         .where(col(MessageRow.group_id) == group_id))
    if questions_only:
        q = q.join(Question, and_(col(Question.group_id) == group_id,
                                  col(Question.message_id) == col(MessageRow.message_id)))
    row = conn.execute(q.where(col(MessageRow.member_id).is_not(None))
                       .order_by(counts.c.n.desc(), col(MessageRow.at)).limit(1)).first()
    if row is None:
        return None
    mid, name, count, text, _at = row
    return Highlight(str(mid), str(name or ""), int(count), None if text is None else str(text))


def streak_milestones(conn: Connection, group_id: str, day: str, marks: Sequence[int]) -> list[tuple[str, str, int]]:
    """(member, name, streak) of check-ins on ``day`` whose streak is one of ``marks``, longest first."""
    c = Checkin
    rows = conn.execute(
        select(col(c.member_id), col(Member.name), col(c.streak))
        .outerjoin(Member, and_(col(Member.group_id) == group_id, col(Member.member_id) == col(c.member_id)))
        .where(col(c.group_id) == group_id, col(c.day) == day, col(c.streak).in_(list(marks)))
        .order_by(col(c.streak).desc(), col(c.member_id))).all()
    return [(str(m), str(n or ""), int(s)) for m, n, s in rows]
