"""The outbox as its sender works it: queue, claim what is due, sent, failed, and each chat's recent send times.

On PostgreSQL several processors may send; each sends only its partitions' rows (``storage.partitions``), and
claims them besides: ``due`` locks the rows it returns (``FOR UPDATE SKIP LOCKED``) and moves their next
attempt to ``claim_until`` in the same transaction, so no other sender sees them while they are sent, even
when two processors briefly believe they hold the same partition. Rows of a round that were neither sent nor
failed are given back (``unclaim``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update
from sqlmodel import col

from storage.models import ChatPace, OutboxRow
from storage.partitions import outgoing_part
from storage.repo.privacy import one_way
from storage.repo.upserts import upsert


@dataclass(frozen=True, slots=True)
class OutboxItem:
    id: int
    adapter: str
    payload: dict[str, Any]
    attempts: int
    next_at: float = 0.0  # when it was due (before a claim moved it)


def enqueue(conn: Connection, adapter: str, payload: dict[str, Any], now: float) -> None:
    conn.execute(insert(OutboxRow).values(adapter=adapter, payload=json.dumps(payload, ensure_ascii=False),
                                          attempts=0, next_at=now, created_at=now, part=outgoing_part(payload)))


def _of(q: Any, parts: frozenset[int] | None) -> Any:
    return q if parts is None else q.where(col(OutboxRow.part).in_(sorted(parts)))


def due(conn: Connection, now: float, limit: int, parts: frozenset[int] | None,
        claim_until: float | None) -> list[OutboxItem]:
    """Rows due now, oldest first (of ``parts`` only, when given); with ``claim_until``, claimed until then."""
    q = _of(select(OutboxRow).where(col(OutboxRow.next_at) <= now), parts).order_by(col(OutboxRow.id)).limit(limit)
    if claim_until is not None and conn.dialect.name == "postgresql":
        q = q.with_for_update(skip_locked=True)
    rows = conn.execute(q).all()
    if claim_until is not None and rows:
        conn.execute(update(OutboxRow).where(col(OutboxRow.id).in_([r.id for r in rows])).values(next_at=claim_until))
    return [OutboxItem(r.id, r.adapter, json.loads(r.payload), r.attempts, r.next_at) for r in rows]


def unclaim(conn: Connection, items: Sequence[OutboxItem], claimed_until: float) -> None:
    """Give claimed rows back as they were (rows a failure or another sender changed since are left alone)."""
    if items:
        conn.execute(update(OutboxRow).where(col(OutboxRow.id) == bindparam("i"),
                                             col(OutboxRow.next_at) == claimed_until)
                     .values(next_at=bindparam("n")), [{"i": it.id, "n": it.next_at} for it in items])


def next_at(conn: Connection, parts: frozenset[int] | None = None) -> float | None:
    value = conn.execute(_of(select(func.min(col(OutboxRow.next_at))), parts)).scalar()
    return float(value) if value is not None else None


def sent(conn: Connection, ids: Sequence[int]) -> None:
    conn.execute(delete(OutboxRow).where(col(OutboxRow.id).in_(list(ids))))


def failed(conn: Connection, ids: Sequence[int], next_at: float, error: str) -> None:
    conn.execute(update(OutboxRow).where(col(OutboxRow.id).in_(list(ids))).values(
        attempts=OutboxRow.attempts + 1, next_at=next_at, last_error=error[:500]))


def record_pace(conn: Connection, lane: str, times: Sequence[float], now: float) -> None:
    """The chat's send times of the last minute, for whoever sends to it next."""
    upsert(conn, ChatPace, {"lane": one_way(lane), "times": json.dumps(list(times)), "at": now}, ["lane"],
           {"times": lambda ex: ex.times, "at": lambda ex: ex.at})


def paces(conn: Connection, lanes: Sequence[str], since: float) -> dict[str, list[float]]:
    """Recorded send times since ``since`` of these chats (chats without any are left out)."""
    keys = {one_way(lane): lane for lane in lanes}
    rows = conn.execute(select(col(ChatPace.lane), col(ChatPace.times)).where(
        col(ChatPace.lane).in_(list(keys)), col(ChatPace.at) >= since)).all()
    return {keys[k]: [t for t in json.loads(v) if t >= since] for k, v in rows}


def stats(conn: Connection) -> dict[str, tuple[int, float | None]]:
    """Per adapter: queued messages and the creation time of the oldest."""
    rows = conn.execute(select(col(OutboxRow.adapter), func.count(), func.min(col(OutboxRow.created_at)))
                        .group_by(col(OutboxRow.adapter))).all()
    return {a: (int(n), float(t) if t is not None else None) for a, n, t in rows}
