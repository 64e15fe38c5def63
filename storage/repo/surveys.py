"""Surveys (runs, answers with the attributes and tags they set, consent)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, and_, or_, select
from sqlmodel import col

from storage.models import (
    Member,
    MemberAttribute,
    MemberTag,
    SurveyAnswer,
    SurveyConsent,
    SurveyRun,
)
from storage.repo.privacy import refused
from storage.repo.upserts import insert_ignore, upsert


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


def present() -> ColumnElement[bool]:
    """A member who has not left: no leave, or a join after their latest leave."""
    m = Member
    return or_(col(m.left_at).is_(None), and_(col(m.joined_at).is_not(None), col(m.joined_at) > col(m.left_at)))


def current_members(conn: Connection, group_id: str) -> list[str]:
    """Members who have not left (latest membership event is not a leave)."""
    return [str(m) for (m,) in conn.execute(select(col(Member.member_id)).where(
        col(Member.group_id) == group_id, present())).all()]
