"""Question tracking (asked, answered, still open) and alert claims."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, and_, bindparam, func, insert, select, update
from sqlmodel import col

from storage.models import (
    AlertSent,
    DoNotProfile,
    Member,
    Question,
)
from storage.repo.prepared import Prepared, dialect_insert
from storage.repo.privacy import one_way, refused
from storage.repo.transactions import tables

# What record_question and answer_questions may change, and what else record_question reads.
QUESTION_TABLES = tables(Question)
QUESTION_READS = tables(DoNotProfile)

_QUESTION = Prepared(lambda d: dialect_insert(d, Question).values(
    {c: bindparam(c) for c in ("group_id", "message_id", "member_id", "at", "excerpt")}).on_conflict_do_nothing())


_ANSWERED = Prepared(lambda _d: update(Question).where(
    col(Question.group_id) == bindparam("group_id"), col(Question.answered_at).is_(None),
    col(Question.member_id) != bindparam("by"), col(Question.at) <= bindparam("at"),
    col(Question.message_id) == bindparam("reply_to")).values(answered_at=bindparam("at")))


def record_question(conn: Connection, group_id: str, message_id: str, member_id: str, at: float,
                    excerpt: str | None) -> None:
    """Track a question for unanswered-question alerts; not for a member who refused profiling."""
    if refused(conn, group_id, member_id):
        return
    _QUESTION.run(conn, {"group_id": group_id, "message_id": message_id, "member_id": member_id, "at": at,
                         "excerpt": excerpt})


def answer_questions(conn: Connection, group_id: str, by_member: str, at: float, reply_to: str | None,
                     mentioned: Sequence[str]) -> None:
    """A message by ``by_member`` answers the question it replies to, and open questions by members it
    mentions (asked before it)."""
    q = Question
    open_ = and_(col(q.group_id) == group_id, col(q.answered_at).is_(None), col(q.member_id) != by_member,
                 col(q.at) <= at)
    if reply_to:  # the common case (every reply), so a prepared statement
        _ANSWERED.run(conn, {"group_id": group_id, "by": by_member, "at": at, "reply_to": reply_to})
    if mentioned:
        conn.execute(update(q).where(open_, col(q.member_id).in_(list(mentioned)), col(q.at) >= at - 86400)
                     .values(answered_at=at))


def open_questions(conn: Connection, group_id: str, older_than: float,
                   newer_than: float) -> list[tuple[str, str, str, float, str | None]]:
    """(message id, member, name, at, excerpt) of questions still unanswered."""
    q = Question
    rows = conn.execute(select(col(q.message_id), col(q.member_id), col(Member.name), col(q.at), col(q.excerpt))
                        .outerjoin(Member, and_(col(Member.group_id) == group_id,
                                                col(Member.member_id) == col(q.member_id)))
                        .where(col(q.group_id) == group_id, col(q.answered_at).is_(None), col(q.at) <= older_than,
                               col(q.at) > newer_than).order_by(col(q.at))).all()
    return [(str(i), str(m), str(n or ""), float(a), e) for i, m, n, a, e in rows]


def claim_alert(conn: Connection, group_id: str, kind: str, key: str, at: float, max_per_hour: int) -> bool:
    """True when this alert is new and the group's hourly alert budget allows it (then it is recorded).
    The key is stored one-way: it can name a member (``core_declining``) and must not outlive an erasure."""
    a, key = AlertSent, one_way(key)
    exists = conn.execute(select(col(a.at)).where(col(a.group_id) == group_id, col(a.kind) == kind,
                                                  col(a.key) == key)).first()
    if exists is not None:
        return False
    recent = int(conn.execute(select(func.count()).where(col(a.group_id) == group_id,
                                                         col(a.at) > at - 3600)).scalar() or 0)
    if recent >= max_per_hour:
        return False
    conn.execute(insert(a).values(group_id=group_id, kind=kind, key=key, at=at))
    return True
