"""Erasures versus events accepted before them and processed after them.

An erasure commits while events it does not know about may wait: in the inbox table, in the processor's
in-memory hand-off (``bot/handoff.py``), or in another process. Two rules close that gap, both checked
inside the processor's own commit (so they hold across processes):

* the member's own waiting events lose their inbox rows to the erasure, and an event whose row is gone
  commits nothing (``IntakeMixin.commit_units``);
* every other event accepted before the erasure (up to its ``watermark``) may still name the member (a
  mention, a reply, ``/attr @member``): the erasure is applied again right after it commits.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, delete, func, insert, select
from sqlmodel import col

from storage.models import InboxRow, PendingErasure
from storage.repo.erasure import forget


@dataclass(frozen=True, slots=True)
class Pending:
    id: int
    group_id: str
    subject: str
    watermark: int
    names: tuple[str, ...]


def record(conn: Connection, group_id: str, member_id: str, names: Iterable[str], at: float) -> None:
    """Remember an erasure just made (and the names the member went by) while accepted events still wait."""
    top = conn.execute(select(func.max(col(InboxRow.seq)))).scalar()
    if top is not None:
        conn.execute(insert(PendingErasure).values(group_id=group_id, subject=member_id, watermark=int(top),
                                                   names=json.dumps(sorted(names), ensure_ascii=False), at=at))


def load(conn: Connection) -> list[Pending]:
    return [Pending(int(r.id), r.group_id, r.subject, int(r.watermark), tuple(json.loads(r.names)))
            for r in conn.execute(select(PendingErasure)).all()]


def due_after(pending: Sequence[Pending], seqs: Sequence[int]) -> dict[int, list[Pending]]:
    """For events committed in the order of ``seqs``: position → erasures to apply again right after the
    event at that position (the last one each erasure predates, so later events are not touched)."""
    plan: dict[int, list[Pending]] = {}
    for p in pending:
        last = max((i for i, s in enumerate(seqs) if 0 < s <= p.watermark), default=None)
        if last is not None:
            plan.setdefault(last, []).append(p)
    return plan


def apply_again(conn: Connection, due: Sequence[Pending]) -> None:
    for p in due:
        forget(conn, p.group_id, p.subject, p.names)


def prune(conn: Connection, pending: Sequence[Pending]) -> bool:
    """Drop the erasures no waiting event predates; True when any was dropped."""
    if not pending:
        return False
    oldest = conn.execute(select(func.min(col(InboxRow.seq)))).scalar()
    done = [p.id for p in pending if oldest is None or int(oldest) > p.watermark]
    if done:
        conn.execute(delete(PendingErasure).where(col(PendingErasure.id).in_(done)))
    return bool(done)
