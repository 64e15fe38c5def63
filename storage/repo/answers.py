"""答疑 storage: FAQ entries and their hits, exchanges to save as a FAQ, routing candidates and opt-outs,
and the weekly answer measures.

Sync functions over one connection; :class:`storage.repo.stores.answers.SqlAnswerStore` runs them.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, select, update
from sqlalchemy.orm import aliased
from sqlmodel import col

from storage.models import FaqEntry, FaqHit, Member, MemberTag, MessageRow, Question, RoutingOptOut, TagHit
from storage.repo.upserts import insert_ignore


@dataclass(frozen=True, slots=True)
class Faq:
    id: int
    question: str
    answer: str


@dataclass(frozen=True, slots=True)
class AnswerMeasures:
    """Questions asked in a window: how many, how many someone answered, the median time to the first answer
    (seconds; None when none was answered), and how often a FAQ answered."""

    asked: int
    answered: int
    median_first_answer_s: float | None
    faq_hits: int

    @property
    def answered_share(self) -> float | None:
        return self.answered / self.asked if self.asked else None


def add_faq(conn: Connection, group_id: str, question: str, answer: str, by: str, at: float) -> None:
    conn.execute(insert(FaqEntry).values(group_id=group_id, question=question, answer=answer, created_by=by,
                                         created_at=at))


def faqs(conn: Connection, group_id: str) -> list[Faq]:
    """The group's FAQs in the order they were taught (``/faq list`` numbers them so)."""
    f = FaqEntry
    rows = conn.execute(select(col(f.id), col(f.question), col(f.answer)).where(col(f.group_id) == group_id)
                        .order_by(col(f.id))).all()
    return [Faq(int(i or 0), str(q), str(a)) for i, q, a in rows]


def remove_faq(conn: Connection, group_id: str, faq_id: int) -> None:
    conn.execute(delete(FaqEntry).where(col(FaqEntry.group_id) == group_id, col(FaqEntry.id) == faq_id))
    conn.execute(delete(FaqHit).where(col(FaqHit.group_id) == group_id, col(FaqHit.faq_id) == faq_id))


def last_faq_hit(conn: Connection, group_id: str, faq_id: int) -> float | None:
    h = FaqHit
    at = conn.execute(select(func.max(col(h.at))).where(col(h.group_id) == group_id,
                                                         col(h.faq_id) == faq_id)).scalar()
    return None if at is None else float(at)


def record_faq_hit(conn: Connection, group_id: str, faq_id: int, member_id: str, message_id: str,
                   at: float) -> None:
    """The FAQ answered this message: remember it, and the question counts as answered (no alert, no routing)."""
    conn.execute(insert(FaqHit).values(group_id=group_id, faq_id=faq_id, member_id=member_id, message_id=message_id,
                                       at=at))
    conn.execute(update(Question).where(col(Question.group_id) == group_id, col(Question.message_id) == message_id,
                                        col(Question.answered_at).is_(None)).values(answered_at=at))


def exchange(conn: Connection, group_id: str, message_id: str) -> tuple[str | None, str | None]:
    """For ``/faq save`` replying to ``message_id``: (its text, the text of the message it replied to) — texts
    only where they were stored, None where not (or when it replied to nothing)."""
    m = MessageRow
    row = conn.execute(select(col(m.text), col(m.reply_to)).where(col(m.group_id) == group_id,
                                                                   col(m.message_id) == message_id)).first()
    if row is None:
        return None, None
    text, reply_to = row
    parent = conn.execute(select(col(m.text)).where(col(m.group_id) == group_id,
                                                     col(m.message_id) == reply_to)).scalar() if reply_to else None
    return text, parent


def latest_answer_by(conn: Connection, group_id: str, member_id: str) -> tuple[str | None, str | None]:
    """For ``/faq save`` with no reply: the latest question ``member_id`` answered by replying to it, and the
    reply — texts only where they were stored."""
    a = MessageRow
    q: Any = aliased(MessageRow)
    row = conn.execute(select(q.text, col(a.text)).select_from(a)
                       .join(q, and_(q.group_id == col(a.group_id), q.message_id == col(a.reply_to)))
                       .join(Question, and_(col(Question.group_id) == col(a.group_id),
                                            col(Question.message_id) == col(a.reply_to)))
                       .where(col(a.group_id) == group_id, col(a.member_id) == member_id)
                       .order_by(col(a.at).desc()).limit(1)).first()
    return (None, None) if row is None else (row[0], row[1])


def set_routing(conn: Connection, group_id: str, member_id: str, on: bool, at: float) -> None:
    if on:
        conn.execute(delete(RoutingOptOut).where(col(RoutingOptOut.group_id) == group_id,
                                                 col(RoutingOptOut.member_id) == member_id))
    else:
        insert_ignore(conn, RoutingOptOut, {"group_id": group_id, "member_id": member_id, "at": at})


def route_candidates(conn: Connection, group_id: str, message_id: str, asker: str, helper_tag: str, since: float,
                     limit: int) -> list[tuple[str, str]]:
    """(member, name) of up to ``limit`` members carrying ``helper_tag`` who most likely answer this question:
    most keyword-tag hits since ``since`` on the question's own tags, then the helper tag's score. Never the
    asker, a member who left, or one who opted out."""
    t = MemberTag
    helpers: dict[str, tuple[str, float]] = {}
    for member, name, score in conn.execute(
            select(col(t.member_id), col(Member.name), col(t.score)).select_from(t)
            .join(Member, and_(col(Member.group_id) == col(t.group_id), col(Member.member_id) == col(t.member_id)))
            .outerjoin(RoutingOptOut, and_(col(RoutingOptOut.group_id) == col(t.group_id),
                                           col(RoutingOptOut.member_id) == col(t.member_id)))
            .where(col(t.group_id) == group_id, col(t.tag) == helper_tag, col(t.member_id) != asker,
                   col(Member.left_at).is_(None), col(RoutingOptOut.member_id).is_(None))).all():
        helpers[str(member)] = (str(name or ""), float(score or 0.0))
    if not helpers:
        return []
    topical = _topic_hits(conn, group_id, message_id, list(helpers), since)
    ranked = sorted(helpers, key=lambda m: (-topical.get(m, 0), -helpers[m][1], m))
    return [(m, helpers[m][0]) for m in ranked[:limit]]


def _topic_hits(conn: Connection, group_id: str, message_id: str, members: Sequence[str],
                since: float) -> dict[str, int]:
    h = TagHit
    tags = [str(r[0]) for r in conn.execute(select(col(h.tag)).where(col(h.group_id) == group_id,
                                                                      col(h.message_id) == message_id)).all()]
    if not tags:
        return {}
    rows: Any = conn.execute(select(col(h.member_id), func.count()).where(
        col(h.group_id) == group_id, col(h.tag).in_(tags), col(h.member_id).in_(list(members)), col(h.at) >= since)
        .group_by(col(h.member_id))).all()
    return {str(m): int(n) for m, n in rows}


def measures(conn: Connection, group_id: str, start: float, end: float) -> AnswerMeasures:
    """Questions asked in [start, end): asked, answered, median time to first answer, and FAQ hits."""
    q = Question
    rows = conn.execute(select(col(q.at), col(q.answered_at)).where(
        col(q.group_id) == group_id, col(q.at) >= start, col(q.at) < end)).all()
    waits = [float(a) - float(t) for t, a in rows if a is not None]
    hits = int(conn.execute(select(func.count()).select_from(FaqHit).where(
        col(FaqHit.group_id) == group_id, col(FaqHit.at) >= start, col(FaqHit.at) < end)).scalar() or 0)
    return AnswerMeasures(len(rows), len(waits), statistics.median(waits) if waits else None, hits)


def open_question_groups(conn: Connection, older_than: float, newer_than: float) -> list[str]:
    """Groups with a question asked in (``newer_than``, ``older_than``] still unanswered."""
    q = Question
    return [str(g) for g in conn.execute(select(col(q.group_id)).where(
        col(q.answered_at).is_(None), col(q.at) <= older_than, col(q.at) > newer_than).distinct()
        .order_by(col(q.group_id))).scalars()]
