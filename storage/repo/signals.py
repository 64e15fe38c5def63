"""Per-message signals (question, link, reply, mentions) recorded at intake for activity tags."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, select
from sqlmodel import col

from storage.models import MessageSignal
from storage.repo.prepared import Prepared, dialect_insert
from storage.repo.privacy import refused, refused_among
from storage.repo.transactions import tables


@dataclass(frozen=True, slots=True)
class Signal:
    message_id: str
    member_id: str
    at: float
    question: bool
    link: bool
    reply_to: str | None
    mentions: tuple[str, ...]


_SIGNAL = Prepared(lambda d: dialect_insert(d, MessageSignal).values(
    {c: bindparam(c) for c in ("group_id", "message_id", "member_id", "at", "question", "link", "reply_to",
                               "mentions")}).on_conflict_do_nothing())


SIGNAL_TABLES = tables(MessageSignal)  # every table record_signal may change


def record_signal(conn: Connection, group_id: str, s: Signal) -> None:
    """Store one message's signals; none for a member who refused profiling, and mentions of such members
    are left out of other members' signals (being mentioned is a fact about the one mentioned)."""
    if refused(conn, group_id, s.member_id):
        return
    hidden = refused_among(conn, group_id, s.mentions) if s.mentions else set()
    _SIGNAL.run(conn, {"group_id": group_id, "message_id": s.message_id, "member_id": s.member_id, "at": s.at,
                       "question": s.question, "link": s.link, "reply_to": s.reply_to,
                       "mentions": " ".join(m for m in s.mentions if m not in hidden)})


def signals(conn: Connection, group_id: str, since: float, until: float) -> list[Signal]:
    m = MessageSignal
    rows = conn.execute(select(m).where(col(m.group_id) == group_id, col(m.at) >= since, col(m.at) <= until)
                        .order_by(col(m.at))).all()
    return [Signal(r.message_id, r.member_id, r.at, bool(r.question), bool(r.link), r.reply_to,
                   tuple(x for x in r.mentions.split(" ") if x)) for r in rows]
