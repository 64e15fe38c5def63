"""Broadcasts waiting or sent, their deliveries (the weekly cap counts these) and 退订."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlmodel import col

from storage.models import BroadcastDelivery, BroadcastOptout, BroadcastRow


def add_broadcast(conn: Connection, group_id: str, created_by: str, created_at: float, send_at: float,
                  spec: str) -> int:
    res = conn.execute(insert(BroadcastRow).values(group_id=group_id, created_by=created_by, created_at=created_at,
                                                   send_at=send_at, spec=spec, summary=""))
    return int(res.inserted_primary_key[0]) if res.inserted_primary_key else 0


def due_broadcasts(conn: Connection, group_id: str, now: float) -> list[tuple[int, float, str]]:
    """(id, send_at, spec) of the group's unsent broadcasts whose time has come, oldest first."""
    rows = conn.execute(select(col(BroadcastRow.id), col(BroadcastRow.send_at), col(BroadcastRow.spec)).where(
        col(BroadcastRow.group_id) == group_id, col(BroadcastRow.sent_at).is_(None),
        col(BroadcastRow.send_at) <= now).order_by(col(BroadcastRow.send_at), col(BroadcastRow.id))).all()
    return [(int(i or 0), float(at), str(spec)) for i, at, spec in rows]


def mark_sent(conn: Connection, broadcast_id: int, at: float, summary: str) -> None:
    conn.execute(update(BroadcastRow).where(col(BroadcastRow.id) == broadcast_id).values(sent_at=at, summary=summary))


def record_deliveries(conn: Connection, broadcast_id: int, group_id: str, members: Sequence[tuple[str, str]],
                      at: float, batch: str = "") -> None:
    if members:
        conn.execute(insert(BroadcastDelivery), [
            {"broadcast_id": broadcast_id, "group_id": group_id, "member_id": m, "at": at, "how": how, "batch": batch}
            for m, how in members])


def reached_in_batch(conn: Connection, batch: str, members: Iterable[str]) -> set[str]:
    """The members of ``members`` a broadcast of ``batch`` already reached (in another group)."""
    ids = list(members)
    if not batch or not ids:
        return set()
    rows = conn.execute(select(col(BroadcastDelivery.member_id)).where(
        col(BroadcastDelivery.batch) == batch, col(BroadcastDelivery.member_id).in_(ids))).all()
    return {str(m) for (m,) in rows}


def deliveries_since(conn: Connection, members: Iterable[str], since: float) -> dict[str, int]:
    """How many broadcasts reached each of ``members`` (in any group) since ``since``."""
    ids = list(members)
    if not ids:
        return {}
    rows = conn.execute(select(col(BroadcastDelivery.member_id), func.count()).where(
        col(BroadcastDelivery.member_id).in_(ids), col(BroadcastDelivery.at) >= since)
        .group_by(col(BroadcastDelivery.member_id))).all()
    return {str(m): int(n) for m, n in rows}


def set_optout(conn: Connection, group_id: str, member_id: str, at: float, out: bool) -> None:
    """``out``: the member said 退订 (remember it); else 订阅 (forget every 退订 of theirs)."""
    if out:
        conn.execute(delete(BroadcastOptout).where(col(BroadcastOptout.group_id) == group_id,
                                                   col(BroadcastOptout.member_id) == member_id))
        conn.execute(insert(BroadcastOptout).values(group_id=group_id, member_id=member_id, at=at))
    else:
        conn.execute(delete(BroadcastOptout).where(col(BroadcastOptout.member_id) == member_id))


def optouts_among(conn: Connection, members: Iterable[str]) -> set[str]:
    ids = list(members)
    if not ids:
        return set()
    rows = conn.execute(select(col(BroadcastOptout.member_id)).where(col(BroadcastOptout.member_id).in_(ids))).all()
    return {str(m) for (m,) in rows}
