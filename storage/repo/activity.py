"""Activity writes. Each is idempotent on the platform's ids, so re-processing never counts twice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, case, insert, select
from sqlmodel import col

from storage.models import (
    DoNotProfile,
    Group,
    GroupDayHour,
    Member,
    MemberDay,
    MemberHour,
    MembershipEvent,
    MessageRow,
    StageDay,
    TagHit,
)
from storage.repo import event_statements as statements
from storage.repo import rollups
from storage.repo.member_upsert import later, sighting
from storage.repo.privacy import one_way, refused
from storage.repo.transactions import tables
from storage.repo.txn_memo import memo
from storage.repo.upserts import upsert

MEMBERSHIP_IDEMPOTENCY_S = 60.0

# Every table each write below may change, and every other table it reads (``transactions.Footprint``).
MESSAGE_TABLES = tables(MessageRow, Group, Member, MemberDay, MemberHour, GroupDayHour, StageDay)
MESSAGE_SUMS = tables(Member, MemberDay, MemberHour, GroupDayHour)  # folded per batch (``event_statements``)
SIGHTING_TABLES = tables(Group, Member, StageDay)
MEMBERSHIP_TABLES = tables(MembershipEvent, Group, Member, StageDay)
TAG_HIT_TABLES = tables(TagHit)
READS = tables(DoNotProfile)  # the refusal marker each of them checks first


@dataclass(frozen=True, slots=True)
class MessageFacts:
    group_id: str
    group_name: str
    adapter: str
    member_id: str
    member_name: str
    message_id: str
    at: float
    local_day: str
    local_hour: int
    reply_to: str | None
    text: str | None
    late: bool = True  # from before today (the group's day): it may change stored days of stages


def _touch_group(conn: Connection, group_id: str, adapter: str, name: str, at: float) -> None:
    """Create the group on first sight; a non-empty name also renames it. Once per group and name per
    transaction: every message of a batch names its group."""
    seen = memo(conn, "groups")
    if group_id in seen and (not name or seen[group_id] == name):
        return
    group = {"id": group_id, "adapter": adapter, "name": name, "created_at": at}
    (statements.GROUP_NAMED if name else statements.GROUP_NEW).run(conn, group)
    seen[group_id] = name or seen.get(group_id, "")


def _member_upsert(conn: Connection, group_id: str, member_id: str, name: str, at: float,
                   extra_values: dict[str, Any], extra_set: dict[str, Any]) -> None:
    """Create or update a member seen at ``at`` by a membership event."""
    values = {"group_id": group_id, "member_id": member_id, "name": name, "name_at": at if name else 0.0,
              "first_seen": at, "last_seen": at, **extra_values}
    upsert(conn, Member, values, ["group_id", "member_id"], {**sighting(at, name, bool(name)), **extra_set})


def record_message(conn: Connection, f: MessageFacts) -> bool:
    """Count one message; False (and nothing changes) when it was counted before or the member refused
    profiling."""
    if refused(conn, f.group_id, f.member_id):
        return False
    if not statements.MESSAGE.run(conn, {
        "group_id": f.group_id, "message_id": f.message_id, "member_id": f.member_id, "at": f.at,
        "local_day": f.local_day, "local_hour": f.local_hour, "reply_to": f.reply_to, "text": f.text,
    }):
        return False
    _touch_group(conn, f.group_id, f.adapter, f.group_name, f.at)
    key = {"group_id": f.group_id, "member_id": f.member_id}
    statements.count_member_message(conn, f.group_id, f.member_id, f.member_name, f.at)
    statements.count(conn, statements.MEMBER_DAY, {**key, "day": f.local_day})
    statements.count(conn, statements.MEMBER_HOUR, {**key, "hour": f.local_hour})
    rollups.count_message(conn, f.group_id, f.local_day, f.local_hour)
    if f.late:
        rollups.history_changed(conn, f.group_id, f.at)
    return True


def record_sighting(conn: Connection, group_id: str, adapter: str, group_name: str, member_id: str,
                    member_name: str, at: float, late: bool = True) -> bool:
    """A member seen without chatting (a command, a check-in): the group and the member exist, with the
    latest name and first/last sight; no message, day or hour is counted. False for a member who refused
    profiling."""
    if refused(conn, group_id, member_id):
        return False
    _touch_group(conn, group_id, adapter, group_name, at)
    _member_upsert(conn, group_id, member_id, member_name, at, {}, {})
    if late:
        rollups.history_changed(conn, group_id, at)
    return True


def record_membership(conn: Connection, group_id: str, adapter: str, group_name: str, member_id: str,
                      member_name: str, kind: str, at: float, event_id: str,
                      invited_by: str | None, late: bool = True) -> bool:
    """Record a join or leave; the same (group, member, kind) within 60 s counts once. Nothing is recorded
    about a member who refused profiling (join and leave times are lifecycle facts)."""
    if refused(conn, group_id, member_id):
        return False
    e = MembershipEvent
    dup = conn.execute(select(col(e.id)).where(and_(
        col(e.group_id) == group_id, col(e.member_id) == member_id, col(e.kind) == kind,
        col(e.at) >= at - MEMBERSHIP_IDEMPOTENCY_S, col(e.at) <= at + MEMBERSHIP_IDEMPOTENCY_S,
    )).limit(1)).first()
    if dup is not None:
        return False
    conn.execute(insert(e).values(group_id=group_id, member_id=member_id, kind=kind, at=at,
                                  event_id=event_id, invited_by=invited_by))
    _touch_group(conn, group_id, adapter, group_name, at)
    if kind == "join":
        extra_values: dict[str, Any] = {"joined_at": at, "invited_by": invited_by}
        is_latest = later(col(Member.joined_at), at)
        extra_set: dict[str, Any] = {"joined_at": is_latest}
        if invited_by:
            extra_set["invited_by"] = case((col(Member.joined_at).is_(None), invited_by),
                                           (col(Member.joined_at) <= at, invited_by),
                                           else_=col(Member.invited_by))
    else:
        extra_values = {"left_at": at}
        extra_set = {"left_at": later(col(Member.left_at), at)}
    _member_upsert(conn, group_id, member_id, member_name, at, extra_values, extra_set)
    if late:
        rollups.history_changed(conn, group_id, at)
    return True


def record_tag_hits(conn: Connection, group_id: str, member_id: str, message_id: str, at: float,
                    hits: Sequence[tuple[str, str]]) -> None:
    """Store (tag, keyword) hits of one message; one per tag per message, idempotent.

    Nothing is stored for a member who opted out of profiling."""
    key = one_way(member_id)
    statements.TAG_HIT.many(conn, [{"group_id": group_id, "message_id": message_id, "tag": tag, "member_id": member_id,
                             "at": at, "keyword": kw, "member_key": key} for tag, kw in hits])
