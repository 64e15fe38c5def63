"""Prepared statements of the per-event path (intake and the activity/tagging observers), and what a batch's
messages add to member rows and day/hour counters, summed into one upsert per distinct row (:func:`summing`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, bindparam, delete, event, exists, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.sql import Executable
from sqlmodel import col

from storage.models import (
    DedupeKey,
    DoNotProfile,
    Group,
    GroupDayHour,
    InboxRow,
    Member,
    MemberDay,
    MemberHour,
    MessageRow,
    TagHit,
)
from storage.repo.member_upsert import later, sighting
from storage.repo.prepared import Prepared, dialect_insert
from storage.repo.transactions import SUMS, tables


def _p(name: str) -> Any:
    return bindparam(name)


def _insert_ignore(model: Any, columns: tuple[str, ...]) -> Prepared:
    def build(dialect: str) -> Executable:
        stmt: Executable = dialect_insert(dialect, model).values({c: _p(c) for c in columns}).on_conflict_do_nothing()
        return stmt
    return Prepared(build)


DEDUPE = _insert_ignore(DedupeKey, ("adapter", "key", "at"))
INBOX = Prepared(lambda _d: insert(InboxRow).values(adapter=_p("adapter"), key=_p("key"), payload=_p("payload"),
                                                    received_at=_p("received_at"), part=_p("part"))
                 .returning(col(InboxRow.seq)))
INBOX_DONE = Prepared(lambda _d: delete(InboxRow).where(col(InboxRow.seq) == _p("seq")))
INBOX_HAS = Prepared(lambda _d: select(col(InboxRow.seq)).where(col(InboxRow.seq) == _p("seq")))
MESSAGE = _insert_ignore(MessageRow, ("group_id", "message_id", "member_id", "at", "local_day", "local_hour",
                                      "reply_to", "text"))
GROUP_NEW = _insert_ignore(Group, ("id", "adapter", "name", "created_at"))
_HIT_COLUMNS = ("group_id", "message_id", "tag", "member_id", "at", "keyword")


def _tag_hit(dialect: str) -> Executable:
    """One hit, unless the member refused profiling (``member_key`` has a marker) — checked in the same
    statement."""
    refused = exists().where(col(DoNotProfile.group_id) == _p("group_id"),
                             col(DoNotProfile.member_key) == _p("member_key"))
    rows = select(*(_p(c) for c in _HIT_COLUMNS)).where(~refused)
    stmt: Executable = dialect_insert(dialect, TagHit).from_select(list(_HIT_COLUMNS), rows).on_conflict_do_nothing()
    return stmt


TAG_HIT = Prepared(_tag_hit)


def _group_named(dialect: str) -> Executable:
    stmt = dialect_insert(dialect, Group).values(id=_p("id"), adapter=_p("adapter"), name=_p("name"),
                                                 created_at=_p("created_at"))
    result: Executable = stmt.on_conflict_do_update(index_elements=["id"], set_={"name": stmt.excluded.name})
    return result


GROUP_NAMED = Prepared(_group_named)


def _counter(model: Any, keys: tuple[str, ...]) -> Prepared:
    """``n`` more messages under ``group_id`` and ``keys`` of a counter table."""
    def build(dialect: str) -> Executable:
        stmt = dialect_insert(dialect, model)
        stmt = stmt.values(group_id=_p("group_id"), **{k: _p(k) for k in keys}, messages=_p("n"))
        result: Executable = stmt.on_conflict_do_update(index_elements=["group_id", *keys],
                                                        set_={"messages": model.messages + stmt.excluded.messages})
        return result
    return Prepared(build)


MEMBER_DAY = _counter(MemberDay, ("member_id", "day"))
MEMBER_HOUR = _counter(MemberHour, ("member_id", "hour"))
GROUP_DAY_HOUR = _counter(GroupDayHour, ("day", "hour"))


class BatchSums:
    """What a batch's messages add to their members' rows and day/hour counters, per row; written as one
    upsert per distinct row. Member rows fold as the per-message upserts would: counts add up, first and
    last sight widen, the name seen last (the later message on a tie) is the one offered."""

    tables = tables(Member, MemberDay, MemberHour, GroupDayHour)

    def __init__(self) -> None:
        self.counts: dict[Prepared, Counter[tuple[tuple[str, Any], ...]]] = {}
        self.members: dict[tuple[str, str], dict[str, Any]] = {}
        self.spoiled = False  # a savepoint was rolled back meanwhile: some sums may be of undone writes

    def add(self, counter: Prepared, key: Mapping[str, Any]) -> None:
        self.counts.setdefault(counter, Counter())[tuple(sorted(key.items()))] += 1

    def add_member(self, group_id: str, member_id: str, name: str, at: float) -> None:
        row = self.members.get((group_id, member_id))
        if row is None:
            self.members[(group_id, member_id)] = {"group_id": group_id, "member_id": member_id, "n": 1, "first": at,
                                                   "last": at, "name": name, "name_at": at if name else 0.0}
            return
        row["n"] += 1
        row["first"], row["last"] = min(row["first"], at), max(row["last"], at)
        if name and (not row["name"] or at >= row["name_at"]):
            row["name"], row["name_at"] = name, at

    def flush(self, conn: Connection) -> None:
        if self.spoiled:
            raise RuntimeError("a savepoint was rolled back while a batch's counts were being summed")
        # rows in key order, so concurrent writers take their locks alike
        MEMBER_MESSAGE.many(conn, [row for _key, row in sorted(self.members.items())])
        for counter, counts in self.counts.items():
            counter.many(conn, [{**dict(k), "n": n} for k, n in sorted(counts.items())])
        self.members.clear()
        self.counts.clear()


@contextmanager
def summing(conn: Connection) -> Iterator[None]:
    """Inside: each message's member row and day/hour counts (:func:`count_member_message`, :func:`count`) are
    summed, and written at the end — or earlier, before a write that could see them (``transactions.settle``).
    On an exception the sums go with the work."""
    conn.info[SUMS] = sums = BatchSums()
    try:
        yield
        sums.flush(conn)
    finally:
        conn.info.pop(SUMS, None)


def count(conn: Connection, counter: Prepared, key: Mapping[str, Any]) -> None:
    """One more message on a counter row: summed inside :func:`summing`, else written now."""
    sums = conn.info.get(SUMS)
    if isinstance(sums, BatchSums):
        sums.add(counter, key)
    else:
        counter.run(conn, {**key, "n": 1})


def count_member_message(conn: Connection, group_id: str, member_id: str, name: str, at: float) -> None:
    """One more message of a member (first/last sight, the latest name): summed inside :func:`summing`, else
    written now."""
    sums = conn.info.get(SUMS)
    if isinstance(sums, BatchSums):
        sums.add_member(group_id, member_id, name, at)
    else:
        MEMBER_MESSAGE.run(conn, {"group_id": group_id, "member_id": member_id, "n": 1, "first": at, "last": at,
                                  "name": name, "name_at": at if name else 0.0})


@event.listens_for(Engine, "rollback_savepoint")
def _savepoint_undone(conn: Connection, _name: str, _context: Any) -> None:
    sums = conn.info.get(SUMS)
    if isinstance(sums, BatchSums):
        sums.spoiled = True


def _member_message(dialect: str) -> Executable:
    """``n`` messages of a member sent from ``first`` to ``last``, the latest with a name (``name``, "" for
    none) at ``name_at``: first/last sight and the latest name as every member upsert."""
    m, first, last, name = Member, _p("first"), _p("last"), _p("name")
    stmt = dialect_insert(dialect, m).values(group_id=_p("group_id"), member_id=_p("member_id"), name=name,
                                             name_at=_p("name_at"), first_seen=first, last_seen=last, messages=_p("n"),
                                             last_message_at=last, opted_out=False)
    set_ = {"messages": col(m.messages) + _p("n"), "last_message_at": later(col(m.last_message_at), last),
            **sighting(first, name, name != "", last=last, name_at=_p("name_at"))}
    result: Executable = stmt.on_conflict_do_update(index_elements=["group_id", "member_id"], set_=set_)
    return result


MEMBER_MESSAGE = Prepared(_member_message)
