"""Privacy operations: opt-out, erase one member of one group, export their raw data, audit log."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, Table, delete, insert, select, update
from sqlmodel import SQLModel, col

from storage.models import AuditEntry, InboxRow, Member, MembershipEvent, MessageRow, OutboxRow


def member_tables() -> list[Table]:
    """Every table holding per-member rows (it has both group_id and member_id), whichever feature added it."""
    return [t for t in SQLModel.metadata.sorted_tables if {"group_id", "member_id"} <= set(t.c.keys())]


def set_opt_out(conn: Connection, group_id: str, member_id: str, opted_out: bool) -> bool:
    res = conn.execute(update(Member).where(col(Member.group_id) == group_id, col(Member.member_id) == member_id)
                       .values(opted_out=opted_out))
    return bool(res.rowcount)


def _mentions_member(payload: str, group_id: str, member_id: str) -> bool:
    try:
        events = json.loads(payload)
    except ValueError:
        return False
    for ev in events if isinstance(events, list) else []:
        chat, user = ev.get("chat", []), ev.get("user", [])
        if len(chat) == 2 and len(user) == 2 and f"{chat[0]}:{chat[1]}" == group_id \
                and f"{user[0]}:{user[1]}" == member_id:
            return True
    return False


def forget(conn: Connection, group_id: str, member_id: str) -> dict[str, int]:
    """Erase everything about one member in one group, in the caller's transaction.

    Kept: the platform delivery keys (adapter, id, time) that stop a re-delivery from being counted
    again. Returns the number of rows removed per table.
    """
    removed: dict[str, int] = {}
    for table in member_tables():
        n = conn.execute(delete(table).where(table.c.group_id == group_id, table.c.member_id == member_id)).rowcount
        if n:
            removed[table.name] = int(n)
    for table in [t for t in SQLModel.metadata.sorted_tables if {"group_id", "invited_by"} <= set(t.c.keys())]:
        conn.execute(update(table).where(table.c.group_id == group_id, table.c.invited_by == member_id)
                     .values(invited_by=None))
    pending = conn.execute(select(col(InboxRow.seq), col(InboxRow.payload))).all()
    gone = [seq for seq, payload in pending if _mentions_member(payload, group_id, member_id)]
    if gone:
        conn.execute(delete(InboxRow).where(col(InboxRow.seq).in_(gone)))
        removed["inbox"] = len(gone)
    adapter, _, user_id = member_id.partition(":")
    queued = conn.execute(select(col(OutboxRow.id), col(OutboxRow.payload))
                          .where(col(OutboxRow.adapter) == adapter)).all()
    private = [i for i, p in queued if json.loads(p).get("target") == ["user", adapter, user_id]]
    if private:
        conn.execute(delete(OutboxRow).where(col(OutboxRow.id).in_(private)))
        removed["outbox"] = len(private)
    return removed


def raw_data(conn: Connection, group_id: str, member_id: str) -> dict[str, list[dict[str, Any]]]:
    """Every stored row about the member in the group, table by table (for /mydata)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for table in member_tables():
        rows = conn.execute(select(table).where(table.c.group_id == group_id, table.c.member_id == member_id)).all()
        if rows:
            out[table.name] = [dict(r._mapping) for r in rows]
    invited = conn.execute(select(col(MembershipEvent.member_id), col(MembershipEvent.at)).where(
        col(MembershipEvent.group_id) == group_id, col(MembershipEvent.invited_by) == member_id)).all()
    if invited:
        out["invited"] = [{"member_id": m, "at": a} for m, a in invited]
    return out


def purge_text(conn: Connection, before: float) -> int:
    """Erase stored message text older than ``before`` (the retention window)."""
    res = conn.execute(update(MessageRow).where(col(MessageRow.text).is_not(None), col(MessageRow.at) < before)
                       .values(text=None))
    return int(res.rowcount or 0)


def audit(conn: Connection, at: float, actor: str, action: str, group_id: str, detail: str) -> None:
    conn.execute(insert(AuditEntry).values(at=at, actor=actor, action=action, group_id=group_id,
                                           detail=detail[:1000]))


