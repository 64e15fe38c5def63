"""Operations storage (issue 6): job runs, chat-changed settings, check-ins and points, news, weekly
activities, surveys, questions, alerts and join requests, plus the aggregate reads reports need.

Sync functions over one connection; the Repo facade runs writes on the writer thread and reads on
the reader pool.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import aliased
from sqlmodel import col

from storage.models import (
    Activity,
    AlertSent,
    Checkin,
    GroupSetting,
    JobRun,
    JoinRequestRow,
    Member,
    MemberAttribute,
    MemberDay,
    MemberHour,
    MembershipEvent,
    MemberTag,
    MessageRow,
    NewsItem,
    PointsEntry,
    Question,
    SurveyAnswer,
    SurveyConsent,
    SurveyRun,
    TagHit,
)
from storage.repo.base import WriteFn, insert_ignore, upsert
from storage.repo.fast import Prepared, dialect_insert

# -- job runs ---------------------------------------------------------------------------------------


def claim_run(conn: Connection, group_id: str, job: str, fire_time: float, fns: Sequence[WriteFn],
              now: float) -> bool:
    """Record the run and apply its writes in the same transaction; False (nothing applied) when it
    was recorded before. The writer thread serializes this, so a run happens at most once."""
    if not insert_ignore(conn, JobRun, {"group_id": group_id, "job": job, "fire_time": fire_time, "done_at": now}):
        return False
    for fn in fns:
        fn(conn)
    return True


def run_done(conn: Connection, group_id: str, job: str, fire_time: float) -> bool:
    return conn.execute(select(col(JobRun.done_at)).where(
        col(JobRun.group_id) == group_id, col(JobRun.job) == job,
        col(JobRun.fire_time) == fire_time)).first() is not None


# -- settings ---------------------------------------------------------------------------------------


def get_setting(conn: Connection, group_id: str, key: str) -> tuple[str, str] | None:
    row = conn.execute(select(col(GroupSetting.value), col(GroupSetting.config_value)).where(
        col(GroupSetting.group_id) == group_id, col(GroupSetting.key) == key)).first()
    return None if row is None else (str(row[0]), str(row[1]))


def set_setting(conn: Connection, group_id: str, key: str, value: str | None, config_value: str, at: float) -> None:
    if value is None:
        conn.execute(delete(GroupSetting).where(col(GroupSetting.group_id) == group_id, col(GroupSetting.key) == key))
        return
    upsert(conn, GroupSetting, {"group_id": group_id, "key": key, "value": value, "config_value": config_value,
                                "at": at}, ["group_id", "key"],
           {"value": value, "config_value": config_value, "at": at})


# -- points and check-ins ---------------------------------------------------------------------------


def credit(conn: Connection, group_id: str, member_id: str, reason: str, points: int, at: float) -> bool:
    """Credit points once per reason."""
    return bool(insert_ignore(conn, PointsEntry, {"group_id": group_id, "member_id": member_id, "reason": reason,
                                                  "points": points, "at": at}))


def points_of(conn: Connection, group_id: str, member_id: str) -> int:
    return int(conn.execute(select(func.coalesce(func.sum(col(PointsEntry.points)), 0)).where(
        col(PointsEntry.group_id) == group_id, col(PointsEntry.member_id) == member_id)).scalar() or 0)


@dataclass(frozen=True, slots=True)
class CheckinState:
    already: bool
    streak: int  # the streak today's check-in makes (or made)
    rank: int  # position among today's check-ins (1 = first)
    points: int  # total points before today's check-in is credited


def checkin_state(conn: Connection, group_id: str, member_id: str, day: str, yesterday: str) -> CheckinState:
    c = Checkin
    rows = dict(conn.execute(select(col(c.day), col(c.streak)).where(
        col(c.group_id) == group_id, col(c.member_id) == member_id, col(c.day).in_([day, yesterday]))).all())
    today_count = int(conn.execute(select(func.count()).where(col(c.group_id) == group_id,
                                                              col(c.day) == day)).scalar() or 0)
    pts = points_of(conn, group_id, member_id)
    if day in rows:
        return CheckinState(True, int(rows[day]), today_count, pts)
    return CheckinState(False, int(rows.get(yesterday, 0)) + 1, today_count + 1, pts)


def record_checkin(conn: Connection, group_id: str, member_id: str, day: str, yesterday: str, at: float,
                   points: int, bonus_every: int, bonus: int) -> int:
    """Insert today's check-in (streak from yesterday's row, computed here so a batch stays consistent)
    and credit points; returns the streak, or 0 when already checked in."""
    prev = conn.execute(select(col(Checkin.streak)).where(
        col(Checkin.group_id) == group_id, col(Checkin.member_id) == member_id, col(Checkin.day) == yesterday)).scalar()
    streak = int(prev or 0) + 1
    if not insert_ignore(conn, Checkin, {"group_id": group_id, "member_id": member_id, "day": day, "at": at,
                                         "streak": streak}):
        return 0
    if points:
        credit(conn, group_id, member_id, f"checkin:{day}", points, at)
    if bonus and bonus_every and streak % bonus_every == 0:
        credit(conn, group_id, member_id, f"streak:{day}", bonus, at)
    if streak >= bonus_every > 0:
        upsert(conn, MemberTag, {"group_id": group_id, "member_id": member_id, "tag": "打卡达人",
                                 "category": "activity", "source": "activity", "score": None, "at": at},
               ["group_id", "member_id", "tag"], {"at": at})
    return streak


def checkin_stats(conn: Connection, group_id: str, since_day: str, today: str,
                  yesterday: str) -> dict[str, tuple[int, int]]:
    """member → (check-ins since ``since_day``, current streak — 0 unless the last was today or yesterday)."""
    c = Checkin
    out: dict[str, tuple[int, int]] = {}
    for mid, n in conn.execute(select(col(c.member_id), func.count()).where(
            col(c.group_id) == group_id, col(c.day) >= since_day).group_by(col(c.member_id))):
        out[str(mid)] = (int(n), 0)
    for mid, streak in conn.execute(select(col(c.member_id), func.max(col(c.streak))).where(
            col(c.group_id) == group_id, col(c.day).in_([today, yesterday])).group_by(col(c.member_id))):
        out[str(mid)] = (out.get(str(mid), (0, 0))[0], int(streak))
    return out


def checkin_leaders(conn: Connection, group_id: str, day: str, yesterday: str,
                    limit: int = 5) -> tuple[int, list[tuple[str, str, int]]]:
    """(check-ins on ``day``, [(member, name, current streak)] by streak) — a streak is current when
    its last check-in was on ``day`` or ``yesterday``."""
    c = Checkin
    count = int(conn.execute(select(func.count()).where(col(c.group_id) == group_id, col(c.day) == day)).scalar() or 0)
    latest = (select(col(c.member_id), func.max(col(c.day)).label("d")).where(col(c.group_id) == group_id)
              .group_by(col(c.member_id)).subquery())
    rows = conn.execute(
        select(col(c.member_id), col(Member.name), col(c.streak))
        .join(latest, and_(latest.c.member_id == col(c.member_id), latest.c.d == col(c.day)))
        .outerjoin(Member, and_(col(Member.group_id) == group_id, col(Member.member_id) == col(c.member_id)))
        .where(col(c.group_id) == group_id, col(c.day).in_([day, yesterday]))
        .order_by(col(c.streak).desc(), col(c.at)).limit(limit)).all()
    return count, [(str(m), str(n or ""), int(s)) for m, n, s in rows]


def checkin_members_between(conn: Connection, group_id: str, first_day: str, last_day: str) -> int:
    return int(conn.execute(select(func.count(func.distinct(col(Checkin.member_id)))).where(
        col(Checkin.group_id) == group_id, col(Checkin.day) >= first_day, col(Checkin.day) <= last_day)).scalar() or 0)


def points_leaders(conn: Connection, group_id: str, limit: int = 10) -> list[tuple[str, str, int]]:
    p = PointsEntry
    total = func.sum(col(p.points)).label("total")
    rows = conn.execute(select(col(p.member_id), col(Member.name), total)
                        .outerjoin(Member, and_(col(Member.group_id) == group_id,
                                                col(Member.member_id) == col(p.member_id)))
                        .where(col(p.group_id) == group_id).group_by(col(p.member_id), col(Member.name))
                        .order_by(total.desc(), col(p.member_id)).limit(limit)).all()
    return [(str(m), str(n or ""), int(t)) for m, n, t in rows]


# -- news and activities ----------------------------------------------------------------------------


def add_news(conn: Connection, group_id: str, text: str, added_by: str, at: float) -> None:
    conn.execute(insert(NewsItem).values(group_id=group_id, text=text, added_by=added_by, at=at))


def pending_news(conn: Connection, group_id: str) -> list[tuple[int, str]]:
    rows = conn.execute(select(col(NewsItem.id), col(NewsItem.text)).where(
        col(NewsItem.group_id) == group_id, col(NewsItem.sent_at).is_(None)).order_by(col(NewsItem.id))).all()
    return [(int(i or 0), str(t)) for i, t in rows]


def remove_news(conn: Connection, group_id: str, item_id: int) -> None:
    conn.execute(delete(NewsItem).where(col(NewsItem.group_id) == group_id, col(NewsItem.id) == item_id))


def mark_news_sent(conn: Connection, ids: Sequence[int], at: float) -> None:
    if ids:
        conn.execute(update(NewsItem).where(col(NewsItem.id).in_(list(ids))).values(sent_at=at))


def add_activity(conn: Connection, group_id: str, weekday: int, time: str, title: str, added_by: str,
                 at: float) -> None:
    conn.execute(insert(Activity).values(group_id=group_id, weekday=weekday, time=time, title=title,
                                         added_by=added_by, at=at))


def activities(conn: Connection, group_id: str) -> list[tuple[int, int, str, str]]:
    """(id, weekday, "HH:MM", title) ordered by weekday and time."""
    rows = conn.execute(select(col(Activity.id), col(Activity.weekday), col(Activity.time), col(Activity.title))
                        .where(col(Activity.group_id) == group_id)
                        .order_by(col(Activity.weekday), col(Activity.time), col(Activity.id))).all()
    return [(int(i or 0), int(w), str(t), str(ti)) for i, w, t, ti in rows]


def remove_activity(conn: Connection, group_id: str, activity_id: int) -> None:
    conn.execute(delete(Activity).where(col(Activity.group_id) == group_id, col(Activity.id) == activity_id))


# -- surveys ----------------------------------------------------------------------------------------


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
    source = f"survey:{survey_id}"
    for a in answers:
        key = {"group_id": group_id, "survey_id": survey_id, "member_id": member_id, "question_id": a.question_id}
        upsert(conn, SurveyAnswer, {**key, "value": a.value, "at": at},
               ["group_id", "survey_id", "member_id", "question_id"], {"value": a.value, "at": at})
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


def survey_refusals(conn: Connection, group_id: str, survey_id: str) -> set[str]:
    c = SurveyConsent
    return {str(m) for (m,) in conn.execute(select(col(c.member_id)).where(
        col(c.group_id) == group_id, col(c.survey_id) == survey_id, col(c.consent).is_(False))).all()}


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
    """True when this alert is new and the group's hourly alert budget allows it (then it is recorded)."""
    a = AlertSent
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


def alert_sent(conn: Connection, group_id: str, kind: str, key: str) -> bool:
    a = AlertSent
    return conn.execute(select(col(a.at)).where(col(a.group_id) == group_id, col(a.kind) == kind,
                                                col(a.key) == key)).first() is not None


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


def silent_members(conn: Connection, group_id: str, start: float, end: float) -> list[tuple[str, str]]:
    """Current members who posted nothing between ``start`` and ``end`` (lurkers)."""
    m = MessageRow
    spoke = {str(x) for (x,) in conn.execute(select(func.distinct(col(m.member_id))).where(
        col(m.group_id) == group_id, col(m.at) >= start, col(m.at) < end)).all()}
    names = dict(conn.execute(select(col(Member.member_id), col(Member.name)).where(
        col(Member.group_id) == group_id)).all())
    return [(mid, str(names.get(mid) or "")) for mid in current_members(conn, group_id) if mid not in spoke]


def member_day_counts(conn: Connection, group_id: str, since_day: str) -> dict[str, dict[str, int]]:
    """member → {local day: messages} from ``since_day`` on."""
    out: dict[str, dict[str, int]] = {}
    for mid, day, n in conn.execute(select(col(MemberDay.member_id), col(MemberDay.day), col(MemberDay.messages))
                                    .where(col(MemberDay.group_id) == group_id, col(MemberDay.day) >= since_day)):
        out.setdefault(str(mid), {})[str(day)] = int(n)
    return out


def tag_member(conn: Connection, group_id: str, member_id: str, tag: str, category: str, source: str,
               at: float) -> None:
    """Give a member a non-keyword tag (channel, survey, activity), keeping the first source."""
    insert_ignore(conn, MemberTag, {"group_id": group_id, "member_id": member_id, "tag": tag, "category": category,
                                    "source": source, "score": None, "at": at})
