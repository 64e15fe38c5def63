"""Erasing one member of one group (``/forget``, ``quntag forget``): every table, every copy.

What stays: a do-not-profile marker when the member had opted out (a group and a one-way key), the
delivery keys that stop a re-delivery from being counted again (stored one-way), and the audit entry
of the erasure, which names the member only by that one-way key.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, String, delete, func, or_, select, update
from sqlmodel import SQLModel, col
from sqlmodel.sql.sqltypes import AutoString

from storage.models import (
    AdapterState,
    AuditEntry,
    DeadLetter,
    DoNotProfile,
    GroupSetting,
    InboxRow,
    JoinRequestRow,
    Member,
    MessageRow,
    MessageSignal,
    OutboxRow,
)
from storage.repo import commerce, personas, rollups
from storage.repo.privacy import member_tables, one_way
from storage.repo.scrub import Subject, own_events, scrub_events, scrub_outgoing

# Columns that name a member by id as a reference ("who did it"): emptied, not redacted.
REFERENCES = {"invited_by": None, "added_by": "", "created_by": ""}


def pseudonym(member_id: str) -> str:
    """How the audit log names an erased member."""
    return "erased:" + one_way(member_id)


@dataclass(frozen=True, slots=True)
class Erased:
    removed: dict[str, int]  # rows removed per table
    names: frozenset[str]  # every display name the member was known by (to erase them again later)


def forget(conn: Connection, group_id: str, member_id: str, names: Iterable[str] = ()) -> Erased:
    """Erase everything about one member in one group, in the caller's transaction. ``names``: display
    names known from an earlier erasure (the rows that held them are gone)."""
    who = _subject(conn, group_id, member_id).with_names(names)
    _unlink(conn, who)
    rollups.take_back_messages(conn, group_id, member_id)
    removed: dict[str, int] = {}
    for table in member_tables():
        n = conn.execute(delete(table).where(table.c.group_id == group_id, table.c.member_id == member_id)).rowcount
        if n:
            removed[table.name] = int(n)
    if n := commerce.forget_unscoped(conn, member_id):
        removed["purchases"] = n
    personas.drop_run(conn, group_id)  # it may quote them; the next read computes it without them
    _pseudonymize_audit(conn, who)
    _scrub_free_text(conn, who)
    for name, n in _scrub_queues(conn, who).items():
        removed[name] = removed.get(name, 0) + n
    n = _drop_adapter_state(conn, who)
    if n:
        removed["adapter_state"] = n
    return Erased(removed, who.names)


def _subject(conn: Connection, group_id: str, member_id: str) -> Subject:
    """The member with every name and message id stored about them (read before anything is deleted)."""
    who = Subject(group_id, member_id)
    names: set[str] = set()
    for named in (_table(Member), _table(JoinRequestRow)):
        names |= {str(n) for (n,) in conn.execute(select(named.c.name).where(
            named.c.group_id == group_id, named.c.member_id == member_id)).all()}
    ids: set[str] = set()
    for queue in (_table(InboxRow), _table(DeadLetter)):
        for (payload,) in conn.execute(select(queue.c.payload).where(
                queue.c.payload.contains(who.user_id, autoescape=True))).all():
            used, sent = own_events(payload, who)
            names |= used
            ids |= sent
    for said in (_table(MessageRow), _table(MessageSignal)):
        ids |= {str(m) for (m,) in conn.execute(select(said.c.message_id).where(
            said.c.group_id == group_id, said.c.member_id == member_id)).all()}
    return who.with_names(names).with_messages(ids)


def _unlink(conn: Connection, who: Subject) -> None:
    """References from other members' rows: who invited them, replies to the member's messages, mentions."""
    g, m = who.group_id, who.member_id
    for table in SQLModel.metadata.sorted_tables:
        if "group_id" not in table.c:
            continue
        for column, empty in REFERENCES.items():
            if column in table.c:
                conn.execute(update(table).where(table.c.group_id == g, table.c[column] == m).values({column: empty}))
    for model in (MessageRow, MessageSignal):
        replied = select(col(model.message_id)).where(col(model.group_id) == g, col(model.member_id) == m)
        conn.execute(update(model).where(col(model.group_id) == g, col(model.reply_to).in_(replied))
                     .values(reply_to=None))
        for mid, to in conn.execute(select(col(model.message_id), col(model.reply_to)).where(
                col(model.group_id) == g, col(model.reply_to).contains(who.user_id, autoescape=True))).all():
            if to in who.message_ids or who.text(str(to)) != to:  # a reply to a message whose id names them
                conn.execute(update(model).where(col(model.group_id) == g, col(model.message_id) == mid)
                             .values(reply_to=None))
    s = MessageSignal
    for mid, mentions in conn.execute(select(col(s.message_id), col(s.mentions)).where(
            col(s.group_id) == g, col(s.mentions).contains(m, autoescape=True))).all():
        kept = " ".join(x for x in str(mentions).split(" ") if x and x != m)
        conn.execute(update(s).where(col(s.group_id) == g, col(s.message_id) == mid).values(mentions=kept))
    i = GroupSetting  # per-admin state such as a pending announcement is keyed by the admin's id
    for key in conn.execute(select(col(i.key)).where(col(i.group_id) == g,
                                                     col(i.key).contains(who.user_id, autoescape=True))).scalars():
        if who.text(str(key)) != key:
            conn.execute(delete(i).where(col(i.group_id) == g, col(i.key) == key))


def _candidates(conn: Connection, table: Any, columns: list[Any], who: Subject, scoped: bool) -> list[Any]:
    needles = who.needles
    if not columns or not needles:
        return []
    cond = or_(*(c.contains(n, autoescape=True) for c in columns for n in needles))
    if scoped:
        cond = cond & (table.c.group_id == who.group_id)
    pk = list(table.primary_key.columns)
    return list(conn.execute(select(*pk, *columns).where(cond)).all())


def _rewrite(conn: Connection, table: Any, columns: list[Any], who: Subject, replacement: str,
             scoped: bool) -> None:
    pk = list(table.primary_key.columns)
    for row in _candidates(conn, table, columns, who, scoped):
        keys, values = row[:len(pk)], row[len(pk):]
        new: dict[str, str] = {}
        for c, v in zip(columns, values, strict=True):
            if isinstance(v, str) and who.text(v, replacement) != v:
                new[c.name] = who.text(v, replacement)
        if new:
            conn.execute(update(table).where(*(c == k for c, k in zip(pk, keys, strict=True))).values(new))


def _text_columns(table: Any) -> list[Any]:
    """String columns that may hold free text: not part of the key, not the group or member id."""
    keys = {c.name for c in table.primary_key.columns} | {"group_id", "member_id"}
    return [c for c in table.c if isinstance(c.type, String | AutoString) and c.name not in keys]


def _pseudonymize_audit(conn: Connection, who: Subject) -> None:
    table = _table(AuditEntry)
    _rewrite(conn, table, [table.c.actor, table.c.detail], who, pseudonym(who.member_id), scoped=True)


def _scrub_free_text(conn: Connection, who: Subject) -> None:
    """Every text column of every group table, whichever feature added it: the member's ids and names go."""
    for table in SQLModel.metadata.sorted_tables:
        if "group_id" in table.c and table.name not in ("audit_log", "pending_erasures"):
            _rewrite(conn, table, _text_columns(table), who, "***", scoped=True)


def _scrub_queues(conn: Connection, who: Subject) -> dict[str, int]:
    """Accepted events not yet processed, parked events and queued messages: the member's own go, references
    to them in the others are taken out."""
    removed: dict[str, int] = {}
    # The inbox can hold a large backlog: only rows naming the member (their events name them, and so do
    # mentions of them). Parked events and queued messages are few: all of them (replies to their messages).
    inbox = select(col(InboxRow.seq), col(InboxRow.payload)).where(
        or_(*(col(InboxRow.payload).contains(n, autoescape=True) for n in who.needles)))
    for table, rows, scrub in (
            (_table(InboxRow), conn.execute(inbox).all(), scrub_events),
            (_table(DeadLetter), conn.execute(select(col(DeadLetter.id), col(DeadLetter.payload))).all(), scrub_events),
            (_table(OutboxRow), conn.execute(select(col(OutboxRow.id), col(OutboxRow.payload))).all(), scrub_outgoing)):
        key = next(iter(table.primary_key.columns))
        for row_id, payload in rows:
            new = scrub(payload, who)
            if new is None:
                conn.execute(delete(table).where(key == row_id))
                removed[table.name] = removed.get(table.name, 0) + 1
            elif new != payload:
                conn.execute(update(table).where(key == row_id).values(payload=new))
    dead = _table(DeadLetter)
    _rewrite(conn, dead, [dead.c.error], who, "***", scoped=False)
    return removed


def _table(model: Any) -> Any:
    return model.__table__


def _drop_adapter_state(conn: Connection, who: Subject) -> int:
    """Platform facts about the user (``dm:<user>``, ``ap:<user>``), once nothing ties them to another group."""
    for table in member_tables():
        if conn.execute(select(func.count()).select_from(table).where(table.c.member_id == who.member_id)).scalar():
            return 0
    if conn.execute(select(func.count()).select_from(DoNotProfile).where(
            col(DoNotProfile.member_key) == one_way(who.member_id),
            col(DoNotProfile.group_id) != who.group_id)).scalar():
        return 0
    a = AdapterState
    keys = [k for k in conn.execute(select(col(a.key)).where(
        col(a.adapter) == who.adapter, col(a.key).endswith(":" + who.user_id, autoescape=True))).scalars()
        if str(k).partition(":")[2] == who.user_id]
    if keys:
        conn.execute(delete(a).where(col(a.adapter) == who.adapter, col(a.key).in_(keys)))
    return len(keys)

