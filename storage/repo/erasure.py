"""Erasing one member of one group (``/forget``, ``quntag forget``)."""

from __future__ import annotations

import json

from sqlalchemy import Connection, delete, select, update
from sqlmodel import SQLModel, col

from storage.models import InboxRow, OutboxRow
from storage.repo.privacy import member_tables


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

    Kept: the do-not-profile marker of a member who opted out (it names nobody), and the platform
    delivery keys that stop a re-delivery from being counted again. Returns the rows removed per table.
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
