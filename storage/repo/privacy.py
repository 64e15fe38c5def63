"""Privacy primitives: one-way member keys, opt-out (the do-not-profile marker), raw data export, audit.

Opting out is recorded as a :class:`~storage.models.DoNotProfile` marker keyed by :func:`one_way`,
and mirrored in ``members.opted_out`` for the read side. Every write that profiles a member asks
:func:`refused` inside its own transaction, so an opt-out takes effect for the very next event.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update
from sqlmodel import SQLModel, col

from storage.models import AuditEntry, DoNotProfile, InsightRun, Member, MembershipEvent
from storage.repo.prepared import Prepared
from storage.repo.txn_memo import forget, memo
from storage.repo.upserts import insert_ignore


def one_way(value: str) -> str:
    """A one-way key of an id (member id, delivery key, alert key): equal ids give equal keys, the key
    does not reveal the id. Migration 0008 holds a frozen copy."""
    return hashlib.sha256(("quntag:" + value).encode()).hexdigest()[:32]


def member_tables() -> list[Any]:
    """Every table holding per-member rows (it has both group_id and member_id), whichever feature added it."""
    return [t for t in SQLModel.metadata.sorted_tables if {"group_id", "member_id"} <= set(t.c.keys())]


REFUSED_MEMO = "refused"
_REFUSED = Prepared(lambda _d: select(col(DoNotProfile.member_key)).where(
    col(DoNotProfile.group_id) == bindparam("group_id"), col(DoNotProfile.member_key) == bindparam("key")))


def refused(conn: Connection, group_id: str, member_id: str) -> bool:
    """Whether the member refused profiling in the group (then nothing new is recorded about them). Asked once
    per member per transaction: every observer of every event in a batch asks it (``txn_memo``)."""
    known = memo(conn, REFUSED_MEMO)
    key = (group_id, member_id)
    if key not in known:
        known[key] = bool(_REFUSED.rows(conn, {"group_id": group_id, "key": one_way(member_id)}))
    return bool(known[key])


def ask_refused(conn: Connection, group_id: str, member_ids: Iterable[str]) -> None:
    """Answer :func:`refused` for all of ``member_ids`` with one query (a batch's senders), remembered for the
    transaction like its own answers."""
    known = memo(conn, REFUSED_MEMO)
    ask = sorted(m for m in set(member_ids) if (group_id, m) not in known)
    if len(ask) > 1:
        found = refused_among(conn, group_id, ask)
        known.update({(group_id, m): m in found for m in ask})


def refused_among(conn: Connection, group_id: str, member_ids: Iterable[str]) -> set[str]:
    """The members of ``member_ids`` who refused profiling in the group."""
    keys = {one_way(m): m for m in member_ids}
    if not keys:
        return set()
    found = conn.execute(select(col(DoNotProfile.member_key)).where(
        col(DoNotProfile.group_id) == group_id, col(DoNotProfile.member_key).in_(list(keys)))).scalars().all()
    return {keys[k] for k in found}


def set_opt_out(conn: Connection, group_id: str, member_id: str, opted_out: bool) -> None:
    """Record (or lift) a member's refusal of profiling; works for members with no stored data too."""
    marker = {"group_id": group_id, "member_key": one_way(member_id)}
    forget(conn, REFUSED_MEMO)
    if opted_out:
        insert_ignore(conn, DoNotProfile, marker)
    else:
        conn.execute(delete(DoNotProfile).where(col(DoNotProfile.group_id) == group_id,
                                                col(DoNotProfile.member_key) == marker["member_key"]))
    conn.execute(update(Member).where(col(Member.group_id) == group_id, col(Member.member_id) == member_id)
                 .values(opted_out=opted_out))
    # the group's insights run may quote them (a card's example); the next read computes it without them
    conn.execute(delete(InsightRun).where(col(InsightRun.group_id) == group_id))


def stored(conn: Connection, group_id: str, member_id: str) -> bool:
    """Whether any per-member table holds a row about the member in the group."""
    return any(conn.execute(select(table.c.member_id).where(table.c.group_id == group_id,
                                                           table.c.member_id == member_id).limit(1)).first()
               for table in member_tables())


# Per-member rows that are access plumbing, not data about the member: erased with them, never exported.
ACCESS_TABLES = frozenset({"data_export_links"})


def raw_data(conn: Connection, group_id: str, member_id: str) -> dict[str, list[dict[str, Any]]]:
    """Every stored row about the member in the group, table by table (for /mydata)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for table in member_tables():
        if table.name in ACCESS_TABLES:
            continue
        # purchases that named no group count in every group of the member: theirs to see here too
        groups = [group_id, ""] if table.name.startswith("purchase_") else [group_id]
        rows = conn.execute(select(table).where(table.c.group_id.in_(groups), table.c.member_id == member_id)).all()
        if rows:
            out[table.name] = [dict(r._mapping) for r in rows]
    invited = conn.execute(select(col(MembershipEvent.member_id), col(MembershipEvent.at)).where(
        col(MembershipEvent.group_id) == group_id, col(MembershipEvent.invited_by) == member_id)).all()
    if invited:
        out["invited"] = [{"member_id": m, "at": a} for m, a in invited]
    if refused(conn, group_id, member_id):
        out["do_not_profile"] = [{"group_id": group_id, "member_key": one_way(member_id)}]
    return out


def audit(conn: Connection, at: float, actor: str, action: str, group_id: str, detail: str) -> None:
    conn.execute(insert(AuditEntry).values(at=at, actor=actor, action=action, group_id=group_id,
                                           detail=detail[:1000]))
