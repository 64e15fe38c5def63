"""Operations SQL, part 2: surveys and consent, question tracking, alerts, join requests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, and_, bindparam, func, insert, select, update
from sqlmodel import col

from storage.models import (
    AlertSent,
    JoinRequestRow,
    Member,
    MemberAttribute,
    MemberTag,
    Question,
    SurveyAnswer,
    SurveyConsent,
    SurveyRun,
    TagHit,
)
from storage.repo.base import insert_ignore, upsert
from storage.repo.fast import Prepared, dialect_insert
from storage.repo.privacy import one_way, refused

# -- job runs ---------------------------------------------------------------------------------------


def start_survey(conn: Connection, group_id: str, survey_id: str, at: float) -> None:
    insert_ignore(conn, SurveyRun, {"group_id": group_id, "survey_id": survey_id, "started_at": at})


def survey_started(conn: Connection, group_id: str, survey_id: str) -> float | None:
    v = conn.execute(select(col(SurveyRun.started_at)).where(
        col(SurveyRun.group_id) == group_id, col(SurveyRun.survey_id) == survey_id)).scalar()
    return None if v is None else float(v)


@dataclass(frozen=True, slots=True)
class AnswerWrite:
    """One accepted answer and what it sets on the profile."""

    question_id: str
    value: str
    attribute: str = ""
    tags: tuple[str, ...] = ()


def record_answers(conn: Connection, group_id: str, survey_id: str, member_id: str, answers: Sequence[AnswerWrite],
                   at: float) -> None:
    """Store a member's answers; they set attributes and tags unless the member refused profiling (the
    answers themselves are kept: the member gave them on purpose, and /forget erases them)."""
    source = f"survey:{survey_id}"
    profiled = not refused(conn, group_id, member_id)
    for a in answers:
        key = {"group_id": group_id, "survey_id": survey_id, "member_id": member_id, "question_id": a.question_id}
        upsert(conn, SurveyAnswer, {**key, "value": a.value, "at": at},
               ["group_id", "survey_id", "member_id", "question_id"], {"value": a.value, "at": at})
        if not profiled:
            continue
        if a.attribute:
            upsert(conn, MemberAttribute, {"group_id": group_id, "member_id": member_id, "key": a.attribute,
                                           "value": a.value, "source": source, "at": at},
                   ["group_id", "member_id", "key"], {"value": a.value, "source": source, "at": at})
        for tag in a.tags:
            upsert(conn, MemberTag, {"group_id": group_id, "member_id": member_id, "tag": tag, "category": "survey",
                                     "source": source, "score": None, "at": at},
                   ["group_id", "member_id", "tag"], {"source": source, "at": at})


def member_answers(conn: Connection, group_id: str, survey_id: str, member_id: str) -> dict[str, str]:
    a = SurveyAnswer
    return {str(q): str(v) for q, v in conn.execute(select(col(a.question_id), col(a.value)).where(
        col(a.group_id) == group_id, col(a.survey_id) == survey_id, col(a.member_id) == member_id)).all()}


def set_consent(conn: Connection, group_id: str, survey_id: str, member_id: str, consent: bool, at: float) -> None:
    upsert(conn, SurveyConsent, {"group_id": group_id, "survey_id": survey_id, "member_id": member_id,
                                 "consent": consent, "at": at},
           ["group_id", "survey_id", "member_id"], {"consent": consent, "at": at})


def consent_of(conn: Connection, group_id: str, survey_id: str, member_id: str) -> bool | None:
    v = conn.execute(select(col(SurveyConsent.consent)).where(
        col(SurveyConsent.group_id) == group_id, col(SurveyConsent.survey_id) == survey_id,
        col(SurveyConsent.member_id) == member_id)).scalar()
    return None if v is None else bool(v)


def survey_answers(conn: Connection, group_id: str, survey_id: str) -> list[tuple[str, str, str]]:
    """(member, question id, value) of every answer."""
    a = SurveyAnswer
    rows = conn.execute(select(col(a.member_id), col(a.question_id), col(a.value)).where(
        col(a.group_id) == group_id, col(a.survey_id) == survey_id)).all()
    return [(str(m), str(q), str(v)) for m, q, v in rows]


def current_members(conn: Connection, group_id: str) -> list[str]:
    """Members who have not left (latest membership event is not a leave)."""
    rows = conn.execute(select(col(Member.member_id), col(Member.joined_at), col(Member.left_at)).where(
        col(Member.group_id) == group_id)).all()
    return [str(m) for m, j, lft in rows if lft is None or (j is not None and j > lft)]


# -- questions and alerts ---------------------------------------------------------------------------


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


def tag_hits_between(conn: Connection, group_id: str, tags: Sequence[str], start: float, end: float) -> int:
    return int(conn.execute(select(func.count()).where(
        col(TagHit.group_id) == group_id, col(TagHit.tag).in_(list(tags)), col(TagHit.at) > start,
        col(TagHit.at) <= end)).scalar() or 0)


# -- join requests ----------------------------------------------------------------------------------


def upsert_join_request(conn: Connection, group_id: str, member_id: str, request_id: str, name: str, at: float,
                        status: str, via: str) -> None:
    vals = {"request_id": request_id, "name": name, "at": at, "status": status, "via": via, "decided_at": None}
    upsert(conn, JoinRequestRow, {"group_id": group_id, "member_id": member_id, **vals},
           ["group_id", "member_id"], vals)


def decide_join_request(conn: Connection, group_id: str, member_id: str, status: str, at: float) -> bool:
    """Move a pending/held request to approved/declined; False when it was already decided."""
    r = JoinRequestRow
    res = conn.execute(update(r).where(col(r.group_id) == group_id, col(r.member_id) == member_id,
                                       col(r.status).in_(["pending", "held"]))
                       .values(status=status, decided_at=at))
    return bool(res.rowcount)


def join_requests(conn: Connection, member_id: str | None = None, group_id: str | None = None,
                  statuses: Sequence[str] = ("pending", "held")) -> list[tuple[str, str, str, str, float, str, str]]:
    """(group, member, request id, name, at, status, via)."""
    r = JoinRequestRow
    q = select(col(r.group_id), col(r.member_id), col(r.request_id), col(r.name), col(r.at), col(r.status),
               col(r.via)).where(col(r.status).in_(list(statuses)))
    if member_id is not None:
        q = q.where(col(r.member_id) == member_id)
    if group_id is not None:
        q = q.where(col(r.group_id) == group_id)
    return [(str(a), str(b), str(c), str(d), float(e), str(f), str(g)) for a, b, c, d, e, f, g in
            conn.execute(q.order_by(col(r.at))).all()]


# -- report reads -----------------------------------------------------------------------------------
