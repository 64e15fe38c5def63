"""The outbox as operators see it: what waits or is parked, retried now or dropped (``quntag outbox``,
``/healthz``, a server start). Delivery itself goes through the Repo (``storage.repo.intake``).

A row is *parked* when its next attempt lies further away than any backoff would put it (the outbox parks
a message for a day after a permanent failure); callers pass that boundary as ``parked_after``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, delete, func, select, update
from sqlmodel import col

from storage.db import Database
from storage.models import Group, Member, OutboxRow


@dataclass(frozen=True, slots=True)
class WaitingMessage:
    """One outbox row: ``target`` is the full group or member id (``target_kind`` chat or user) and
    ``target_name`` its stored name ("" when none is known)."""

    id: int
    adapter: str
    target_kind: str
    target: str
    target_name: str
    created_at: float
    next_at: float
    attempts: int
    last_error: str


def _target(payload: str) -> tuple[str, str]:
    try:
        kind, adapter, tid = json.loads(payload)["target"]
    except (ValueError, KeyError, TypeError):
        return "", ""
    return str(kind), f"{adapter}:{tid}"


def _names(conn: Connection, chats: set[str], users: set[str]) -> dict[tuple[str, str], str]:
    names: dict[tuple[str, str], str] = {}
    if chats:
        for gid, name in conn.execute(select(col(Group.id), col(Group.name)).where(col(Group.id).in_(chats))):
            if name:
                names["chat", str(gid)] = str(name)
    if users:
        rows = conn.execute(select(col(Member.member_id), col(Member.name)).where(
            col(Member.member_id).in_(users), col(Member.name) != "").order_by(col(Member.name_at)))
        for mid, name in rows:  # the newest name wins (ordered by when it was seen)
            names["user", str(mid)] = str(name)
    return names


def waiting(conn: Connection, ids: Sequence[int] | None) -> list[WaitingMessage]:
    q = select(OutboxRow).order_by(col(OutboxRow.id))
    if ids is not None:
        q = q.where(col(OutboxRow.id).in_(list(ids)))
    rows = conn.execute(q).all()
    targets = {r.id: _target(r.payload) for r in rows}
    names = _names(conn, {t for k, t in targets.values() if k == "chat"},
                   {t for k, t in targets.values() if k == "user"})
    return [WaitingMessage(r.id, r.adapter, targets[r.id][0], targets[r.id][1], names.get(targets[r.id], ""),
                           r.created_at, r.next_at, r.attempts, r.last_error) for r in rows]


def make_due(conn: Connection, now: float, ids: Sequence[int] | None, parked_after: float | None) -> int:
    q = update(OutboxRow).where(col(OutboxRow.next_at) > now)
    if ids is not None:
        q = q.where(col(OutboxRow.id).in_(list(ids)))
    if parked_after is not None:
        q = q.where(col(OutboxRow.next_at) > parked_after)
    return int(conn.execute(q.values(next_at=now)).rowcount)


def drop(conn: Connection, ids: Sequence[int] | None) -> int:
    q = delete(OutboxRow)
    if ids is not None:
        q = q.where(col(OutboxRow.id).in_(list(ids)))
    return int(conn.execute(q).rowcount)


def parked_counts(conn: Connection, parked_after: float) -> dict[str, int]:
    rows = conn.execute(select(col(OutboxRow.adapter), func.count()).where(col(OutboxRow.next_at) > parked_after)
                        .group_by(col(OutboxRow.adapter))).all()
    return {str(a): int(n) for a, n in rows}


class OutboxStore:
    """Outbox administration over one :class:`Database`; every write is committed on return."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def waiting(self, ids: Sequence[int] | None = None) -> list[WaitingMessage]:
        """Every row still to be delivered (or only ``ids``), oldest first."""
        return await self.db.read(lambda c: waiting(c, ids))

    async def make_due(self, now: float, ids: Sequence[int] | None = None, parked_after: float | None = None) -> int:
        """Bring the next attempt of ``ids`` (None: all; with ``parked_after``: only parked rows) forward to
        ``now``; the number of rows moved (rows already due are left as they are)."""
        return await self.db.write(lambda c: make_due(c, now, ids, parked_after))

    async def drop(self, ids: Sequence[int] | None = None) -> int:
        """Delete ``ids`` (None: every row) unsent; the number deleted."""
        return await self.db.write(lambda c: drop(c, ids))

    async def parked_counts(self, parked_after: float) -> dict[str, int]:
        """Parked rows per adapter."""
        return await self.db.read(lambda c: parked_counts(c, parked_after))
