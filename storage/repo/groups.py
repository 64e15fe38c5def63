"""Moving a group to a new id (platform migrations) and resolving old ids through aliases."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, delete, select, text, update
from sqlmodel import SQLModel, col

from storage.models import Group, GroupAlias, Member, OutboxRow
from storage.repo import rollups
from storage.repo.upserts import upsert

# Tables keyed by group_id plus these columns; colliding rows of the old id are dropped.
KEYED = {
    "messages": ("message_id",),
    "tag_hits": ("message_id", "tag"),
    "tag_rejections": ("member_id", "tag"),
    "member_tags": ("member_id", "tag"),
    "member_attributes": ("member_id", "key"),
    "job_runs": ("job", "fire_time"),
}
# Counter tables: colliding rows are summed into the new id.
COUNTERS = {"member_days": ("member_id", "day"), "member_hours": ("member_id", "hour"),
            "group_day_hours": ("day", "hour")}


SPECIAL = {"members", "groups", "group_aliases", *COUNTERS}


def _plan() -> tuple[dict[str, tuple[str, ...]], list[str]]:
    """Every table with a ``group_id`` column, whichever feature added it: those whose primary key holds
    group_id move with collisions dropped (keyed on the rest of the key); the others move as they are."""
    keyed = dict(KEYED)
    plain: list[str] = []
    for t in SQLModel.metadata.sorted_tables:
        if "group_id" not in t.c or t.name in SPECIAL or t.name in keyed:
            continue
        pk = [c.name for c in t.primary_key.columns]
        if "group_id" in pk:
            keyed[t.name] = tuple(c for c in pk if c != "group_id")
        else:
            plain.append(t.name)
    return keyed, plain


def resolve(conn: Connection, group_id: str) -> str:
    """The current id of ``group_id`` (itself unless it is an alias)."""
    row = conn.execute(select(col(GroupAlias.group_id)).where(col(GroupAlias.alias) == group_id)).first()
    return str(row[0]) if row is not None else group_id


def _move_keyed(conn: Connection, table: str, keys: tuple[str, ...], old: str, new: str) -> None:
    # keyed on group_id alone (one row per group): the old row moves only where the new id has none
    same = " AND ".join(f"t2.{k} = {table}.{k}" for k in keys) or "1 = 1"
    conn.execute(text(f"UPDATE {table} SET group_id = :new WHERE group_id = :old AND NOT EXISTS "
                      f"(SELECT 1 FROM {table} t2 WHERE t2.group_id = :new AND {same})"), {"old": old, "new": new})
    conn.execute(text(f"DELETE FROM {table} WHERE group_id = :old"), {"old": old})


def _move_counters(conn: Connection, table: str, keys: tuple[str, ...], old: str, new: str) -> None:
    same = " AND ".join(f"o.{k} = {table}.{k}" for k in keys)
    conn.execute(text(f"UPDATE {table} SET messages = messages + (SELECT o.messages FROM {table} o "
                      f"WHERE o.group_id = :old AND {same}) WHERE group_id = :new AND EXISTS "
                      f"(SELECT 1 FROM {table} o WHERE o.group_id = :old AND {same})"), {"old": old, "new": new})
    _move_keyed(conn, table, keys, old, new)


def _merge_members(conn: Connection, old: str, new: str) -> None:
    table: Any = getattr(Member, "__table__")  # noqa: B009 (SQLModel hides it from mypy)
    olds = {r["member_id"]: r for r in conn.execute(select(table).where(table.c.group_id == old)).mappings()}
    news = {r["member_id"]: r for r in conn.execute(
        select(table).where(table.c.group_id == new, table.c.member_id.in_(list(olds)))).mappings()}

    def latest(a: float | None, b: float | None) -> float | None:
        return b if a is None else a if b is None else max(a, b)

    for mid, n in news.items():
        o = olds[mid]
        values: dict[str, Any] = {
            "messages": n["messages"] + o["messages"], "first_seen": min(n["first_seen"], o["first_seen"]),
            "last_seen": max(n["last_seen"], o["last_seen"]),
            "last_message_at": latest(n["last_message_at"], o["last_message_at"]),
            "joined_at": n["joined_at"] if n["joined_at"] is not None else o["joined_at"],
            "left_at": latest(n["left_at"], o["left_at"]), "invited_by": n["invited_by"] or o["invited_by"],
            "opted_out": n["opted_out"] or o["opted_out"],
        }
        if o["name_at"] > n["name_at"] and o["name"]:
            values.update(name=o["name"], name_at=o["name_at"])
        conn.execute(update(table).where(table.c.group_id == new, table.c.member_id == mid).values(**values))
    conn.execute(update(table).where(table.c.group_id == old, table.c.member_id.not_in(list(news)))
                 .values(group_id=new))
    conn.execute(delete(table).where(table.c.group_id == old))


def _retarget_outbox(conn: Connection, adapter: str, old: str, new: str) -> None:
    prefix = adapter + ":"
    if not (old.startswith(prefix) and new.startswith(prefix)):
        return
    old_chat, new_chat = old[len(prefix):], new[len(prefix):]
    for row_id, payload in conn.execute(select(col(OutboxRow.id), col(OutboxRow.payload))
                                        .where(col(OutboxRow.adapter) == adapter)).all():
        data = json.loads(payload)
        if data.get("target") == ["chat", adapter, old_chat]:
            data["target"] = ["chat", adapter, new_chat]
            conn.execute(update(OutboxRow).where(col(OutboxRow.id) == row_id)
                         .values(payload=json.dumps(data, ensure_ascii=False)))


def move_group(conn: Connection, old: str, new: str, adapter: str, at: float) -> bool:
    """Move everything stored under ``old`` to ``new`` and keep ``old`` as an alias; idempotent."""
    new = resolve(conn, new)
    if old == new:
        return False
    upsert(conn, GroupAlias, {"alias": old, "group_id": new, "at": at}, ["alias"], {"group_id": new, "at": at})
    conn.execute(update(GroupAlias).where(col(GroupAlias.group_id) == old).values(group_id=new))
    conn.execute(delete(GroupAlias).where(col(GroupAlias.alias) == new))
    for gid in (old, new):  # two histories become one: no stored stage of either still holds
        rollups.drop_stage_days(conn, gid)
    keyed, plain = _plan()
    for table, keys in keyed.items():
        _move_keyed(conn, table, keys, old, new)
    for table, keys in COUNTERS.items():
        _move_counters(conn, table, keys, old, new)
    for table in plain:
        conn.execute(text(f"UPDATE {table} SET group_id = :new WHERE group_id = :old"), {"old": old, "new": new})
    _merge_members(conn, old, new)
    if conn.execute(select(col(Group.id)).where(col(Group.id) == old)).first() is not None:
        if conn.execute(select(col(Group.id)).where(col(Group.id) == new)).first() is None:
            conn.execute(update(Group).where(col(Group.id) == old).values(id=new))
        else:
            conn.execute(delete(Group).where(col(Group.id) == old))
    _retarget_outbox(conn, adapter, old, new)
    return True
