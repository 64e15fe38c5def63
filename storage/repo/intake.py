"""Durable intake (dedupe keys + inbox) and adapters' state, as sync functions run by the writer thread."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select
from sqlmodel import col

from storage.models import AdapterState, DeadLetter, InboxRow
from storage.partitions import event_part
from storage.repo import event_statements as statements
from storage.repo import retention
from storage.repo.privacy import one_way


@dataclass(frozen=True, slots=True)
class Delivery:
    """One webhook delivery: adapter, dedupe key (None: never deduped) and its serialized events."""

    adapter: str
    key: str | None
    events: tuple[dict[str, Any], ...]
    part: int = field(init=False)  # the partition of its chat: which processor takes it (``storage.partitions``)

    def __post_init__(self) -> None:
        object.__setattr__(self, "part", event_part(self.events))  # once: the insert and the hand-off both read it


@dataclass(frozen=True, slots=True)
class Pending:
    seq: int
    adapter: str
    key: str | None
    events: list[dict[str, Any]]
    received_at: float
    part: int = 0


def accept(conn: Connection, deliveries: Sequence[Delivery], now: float) -> list[int | None]:
    """Store new deliveries; per delivery its inbox sequence number (0 when it carried no events), or
    None when the key was seen before (a duplicate: nothing stored)."""
    out: list[int | None] = []
    for d in deliveries:
        # Kept one-way: a platform's delivery id can embed a user id, and it outlives any erasure.
        fresh = d.key is None or statements.DEDUPE.run(conn, {"adapter": d.adapter, "key": one_way(d.key), "at": now})
        if not fresh:
            out.append(None)
            continue
        seq = 0
        if d.events:
            [(seq,)] = statements.INBOX.rows(conn, {"adapter": d.adapter, "key": d.key, "received_at": now,
                                                    "part": d.part,
                                                    "payload": json.dumps(list(d.events), ensure_ascii=False)})
        out.append(int(seq))
    return out


def pending(conn: Connection, limit: int, after: int = 0, parts: frozenset[int] | None = None) -> list[Pending]:
    """The oldest unprocessed deliveries, in arrival order (of ``parts`` only, when given)."""
    q = select(InboxRow).where(col(InboxRow.seq) > after)
    if parts is not None:
        q = q.where(col(InboxRow.part).in_(sorted(parts)))
    rows = conn.execute(q.order_by(col(InboxRow.seq)).limit(limit)).all()
    return [Pending(r.seq, r.adapter, r.key, json.loads(r.payload), r.received_at, r.part) for r in rows]


def pending_count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(InboxRow)).scalar() or 0)


def oldest_pending(conn: Connection) -> float | None:
    value = conn.execute(select(func.min(col(InboxRow.received_at)))).scalar()
    return float(value) if value is not None else None


def done(conn: Connection, seq: int) -> bool:
    """Delete a processed event's inbox row; False when it was gone already (an erasure took it)."""
    return statements.INBOX_DONE.run(conn, {"seq": seq}) > 0


def present(conn: Connection, seqs: Sequence[int]) -> set[int]:
    """Which of these events' inbox rows are there."""
    return {int(s or 0) for (s,) in conn.execute(select(col(InboxRow.seq)).where(col(InboxRow.seq).in_(list(seqs))))}


def done_many(conn: Connection, seqs: Sequence[int]) -> set[int]:
    """Delete processed events' inbox rows; the ones that were there."""
    return {int(s or 0) for (s,) in conn.execute(
        delete(InboxRow).where(col(InboxRow.seq).in_(list(seqs))).returning(col(InboxRow.seq)))}


def waiting(conn: Connection, seq: int) -> bool:
    """Whether the event's inbox row is still there."""
    return bool(statements.INBOX_HAS.rows(conn, {"seq": seq}))


def dead_letter(conn: Connection, seq: int, error: str, now: float, keep_text: bool) -> str:
    """Move an inbox row that cannot be processed aside (kept, never silently lost). Without ``keep_text``
    (``store_text = false``) what members wrote is left out; the error never carries the values written.
    Returns the error as stored (fit for a log line too)."""
    row = conn.execute(select(InboxRow).where(col(InboxRow.seq) == seq)).first()
    payload = row.payload if row is not None else "[]"
    error = retention.clean_error(error, "[]" if keep_text else payload)[:2000]
    if row is not None:
        payload = payload if keep_text else retention.redact_events(payload)
        conn.execute(insert(DeadLetter).values(adapter=row.adapter, payload=payload, error=error, at=now))
        done(conn, seq)
    return error


def get_state(conn: Connection, adapter: str) -> dict[str, str]:
    rows = conn.execute(select(col(AdapterState.key), col(AdapterState.value))
                        .where(col(AdapterState.adapter) == adapter)).all()
    return {str(k): str(v) for k, v in rows}


def set_state(conn: Connection, adapter: str, key: str, value: str | None, now: float) -> None:
    conn.execute(delete(AdapterState).where(col(AdapterState.adapter) == adapter, col(AdapterState.key) == key))
    if value is not None:
        conn.execute(insert(AdapterState).values(adapter=adapter, key=key, value=value, at=now))
