"""Moderation storage: the moderation log (decisions, actions, ladder strikes) and pending newcomer checks.

Sync functions over one connection; :class:`storage.repo.stores.moderation.SqlModerationStore` runs them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, delete, exists, func, insert, select
from sqlmodel import col

from storage.models import CaptchaPending, DoNotProfile, Member, MessageRow, ModerationEntry
from storage.repo.activity import MessageFacts
from storage.repo.privacy import one_way
from storage.repo.transactions import tables
from storage.repo.upserts import upsert

LOG_TABLES = tables(ModerationEntry)  # what the log's writes change and its strike count depends on
# What a member's newcomer facts depend on: the member row, and what decides whether a pending message
# counts (activity.record_message): the messages counted so far and the refusal marker.
NEWCOMER_TABLES = tables(Member, MessageRow, DoNotProfile)


@dataclass(frozen=True, slots=True)
class ModEntry:
    """One row of the moderation log, with the member's latest display name ("" when unknown)."""

    id: int
    group_id: str
    member_id: str
    name: str
    at: float
    rule: str
    what: str
    action: str
    seconds: int
    mode: str
    actor: str
    strike: bool
    done: bool


@dataclass(frozen=True, slots=True)
class Captcha:
    group_id: str
    member_id: str
    name: str
    answer: str
    asked_at: float
    deadline: float
    restricted: bool


def record(conn: Connection, values: dict[str, object]) -> None:
    conn.execute(insert(ModerationEntry).values(**values))


def strikes(conn: Connection, group_id: str, member_id: str, since: float, modes: tuple[str, ...]) -> int:
    """Ladder rungs the member earned since ``since`` in decisions made in one of ``modes``."""
    return int(conn.execute(select(func.count()).select_from(ModerationEntry).where(
        col(ModerationEntry.group_id) == group_id, col(ModerationEntry.member_id) == member_id,
        col(ModerationEntry.at) >= since, col(ModerationEntry.strike).is_(True),
        col(ModerationEntry.mode).in_(modes))).scalar() or 0)


def entries(conn: Connection, group_id: str, member_id: str | None, limit: int) -> list[ModEntry]:
    """The latest ``limit`` entries of a group (or of one member there), newest first."""
    m = ModerationEntry
    q = select(col(m.id), col(m.group_id), col(m.member_id), func.coalesce(col(Member.name), ""), col(m.at),
               col(m.rule), col(m.what), col(m.action), col(m.seconds), col(m.mode), col(m.actor), col(m.strike),
               col(m.done)).select_from(m).outerjoin(
        Member, (col(Member.group_id) == col(m.group_id)) & (col(Member.member_id) == col(m.member_id))).where(
        col(m.group_id) == group_id)
    if member_id is not None:
        q = q.where(col(m.member_id) == member_id)
    rows = conn.execute(q.order_by(col(m.at).desc(), col(m.id).desc()).limit(limit)).all()
    return [ModEntry(*tuple(r)) for r in rows]


def newcomer_facts(conn: Connection, group_id: str, member_id: str) -> tuple[float | None, int]:
    """(when the member joined, else was first seen — None when never; messages counted so far)."""
    row = conn.execute(select(col(Member.joined_at), col(Member.first_seen), col(Member.messages)).where(
        col(Member.group_id) == group_id, col(Member.member_id) == member_id)).first()
    if row is None:
        return None, 0
    return (row[0] if row[0] is not None else row[1]), int(row[2] or 0)


def newcomer_facts_after(conn: Connection, group_id: str, member_id: str,
                         counted: Sequence[MessageFacts]) -> tuple[float | None, int]:
    """:func:`newcomer_facts` as they will be once the member's messages ``counted`` (of the event being
    processed, not committed) are: by the rule of ``activity.record_message``, a message counts unless the
    member refused profiling or its id is stored (or came earlier in ``counted``); it widens first sight
    and adds one. Read on committed data, so the event's pending writes are not replayed to know it."""
    m, where = Member, (col(Member.group_id) == group_id) & (col(Member.member_id) == member_id)
    refusal = exists().where(col(DoNotProfile.group_id) == group_id, col(DoNotProfile.member_key) == one_way(member_id))
    ids = [f.message_id for f in counted]
    stored_ids = select(col(MessageRow.message_id)).where(col(MessageRow.group_id) == group_id,
                                                          col(MessageRow.message_id).in_(ids or [""]))
    member = [select(c).where(where).scalar_subquery() for c in (col(m.joined_at), col(m.first_seen), col(m.messages))]
    row = conn.execute(select(*member, refusal,
                              select(func.count()).select_from(stored_ids.subquery()).scalar_subquery())).one()
    joined, first, messages, refused, stored = row[0], row[1], row[2], row[3], row[4]
    n = int(messages or 0)
    if refused or not ids:
        return (joined if joined is not None else first), n
    seen: set[str] = set()
    if stored:  # rare (the event is processed again): which of them
        seen = set(ids) if len(set(ids)) == 1 else {str(i) for i in conn.execute(stored_ids).scalars()}
    for f in counted:
        if f.message_id in seen:
            continue
        seen.add(f.message_id)
        first = f.at if first is None or first > f.at else first
        n += 1
    return (joined if joined is not None else first), n


def put_captcha(conn: Connection, c: Captcha) -> None:
    values = {"group_id": c.group_id, "member_id": c.member_id, "name": c.name, "answer": c.answer,
              "asked_at": c.asked_at, "deadline": c.deadline, "restricted": c.restricted}
    upsert(conn, CaptchaPending, values, ("group_id", "member_id"),
           {k: v for k, v in values.items() if k not in ("group_id", "member_id")})


def captchas(conn: Connection, group_id: str, member_id: str | None = None,
             due_by: float | None = None) -> list[Captcha]:
    c = CaptchaPending
    q = select(col(c.group_id), col(c.member_id), col(c.name), col(c.answer), col(c.asked_at), col(c.deadline),
               col(c.restricted)).where(
        col(c.group_id) == group_id)
    if member_id is not None:
        q = q.where(col(c.member_id) == member_id)
    if due_by is not None:
        q = q.where(col(c.deadline) <= due_by)
    return [Captcha(*r) for r in conn.execute(q.order_by(col(c.deadline))).all()]


def drop_captcha(conn: Connection, group_id: str, member_id: str) -> None:
    conn.execute(delete(CaptchaPending).where(col(CaptchaPending.group_id) == group_id,
                                              col(CaptchaPending.member_id) == member_id))


def counts(conn: Connection, group_id: str, start: float, end: float) -> list[tuple[str, str, str, int]]:
    """(rule, action, mode, entries) of the group's moderation log in [start, end), most frequent first."""
    m = ModerationEntry
    n = func.count().label("n")
    rows = conn.execute(select(col(m.rule), col(m.action), col(m.mode), n).where(
        col(m.group_id) == group_id, col(m.at) >= start, col(m.at) < end)
        .group_by(col(m.rule), col(m.action), col(m.mode)).order_by(n.desc(), col(m.rule), col(m.action))).all()
    return [(str(r), str(a), str(md), int(c)) for r, a, md, c in rows]


def captcha_groups(conn: Connection, due_by: float) -> list[str]:
    """Groups with a newcomer check due by ``due_by``."""
    c = CaptchaPending
    return [str(g) for g in conn.execute(select(col(c.group_id)).where(col(c.deadline) <= due_by).distinct()
                                         .order_by(col(c.group_id))).scalars()]
