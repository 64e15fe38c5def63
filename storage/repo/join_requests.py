"""Join requests held by the newcomer gate, and their decisions."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, select, update
from sqlmodel import col

from storage.models import (
    JoinRequestRow,
)
from storage.repo.upserts import upsert


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
