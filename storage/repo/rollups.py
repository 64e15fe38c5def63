"""Group roll-ups (``storage.models.rollups``): the writes that keep them equal to their inputs, and the
reads of the console's charts and lifecycle flow."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlmodel import col

from storage.models import GroupDayHour, MessageRow, StageDay
from storage.repo import event_statements as statements
from storage.repo.txn_memo import memo

_LATEST = "stage_days_latest"


def count_message(conn: Connection, group_id: str, day: str, hour: int) -> None:
    """One more message of the group on that local day and hour."""
    statements.count(conn, statements.GROUP_DAY_HOUR, {"group_id": group_id, "day": day, "hour": hour})


def take_back_messages(conn: Connection, group_id: str, member_id: str) -> None:
    """Subtract a member's stored messages from the group's counts (their messages are about to be erased)."""
    m, g = MessageRow, GroupDayHour
    for day, hour, n in conn.execute(select(col(m.local_day), col(m.local_hour), func.count()).where(
            col(m.group_id) == group_id, col(m.member_id) == member_id).group_by(col(m.local_day), col(m.local_hour))):
        conn.execute(update(g).where(col(g.group_id) == group_id, col(g.day) == day, col(g.hour) == hour)
                     .values(messages=col(g.messages) - n))
    conn.execute(delete(g).where(col(g.group_id) == group_id, col(g.messages) <= 0))


def history_changed(conn: Connection, group_id: str, at: float) -> None:
    """A lifecycle fact (message, sighting, join or leave) at ``at`` was written: stored stages of days that
    end at or after ``at`` no longer hold. Live traffic is newer than every stored day, so this reads the
    group's latest stored day once per transaction and deletes only for late facts."""
    latest = memo(conn, _LATEST)
    if group_id not in latest:
        latest[group_id] = conn.execute(select(func.max(col(StageDay.through))).where(
            col(StageDay.group_id) == group_id)).scalar()
    newest = latest[group_id]
    if newest is not None and at <= newest:
        conn.execute(delete(StageDay).where(col(StageDay.group_id) == group_id, col(StageDay.through) >= at))
        latest.pop(group_id)


def drop_stage_days(conn: Connection, group_id: str) -> None:
    """Forget every stored day of the group (its facts changed in a way no single time describes)."""
    conn.execute(delete(StageDay).where(col(StageDay.group_id) == group_id))
    memo(conn, _LATEST).pop(group_id, None)


def stage_day(conn: Connection, group_id: str, day: str, settings: str) -> dict[str, str] | None:
    """member → stage at the end of ``day`` as stored under lifecycle ``settings``; None when not stored."""
    rows = conn.execute(select(col(StageDay.member_id), col(StageDay.stage)).where(
        col(StageDay.group_id) == group_id, col(StageDay.day) == day)).all()
    marks = [s for m, s in rows if m == ""]
    if not marks or marks[0] != settings:
        return None
    return {str(m): str(s) for m, s in rows if m}


def save_stage_day(conn: Connection, group_id: str, day: str, through: float, settings: str,
                   stages: Mapping[str, str]) -> None:
    """Store the stages at the end of ``day`` (replacing what was there)."""
    conn.execute(delete(StageDay).where(col(StageDay.group_id) == group_id, col(StageDay.day) == day))
    rows = [{"group_id": group_id, "day": day, "member_id": "", "stage": settings, "through": through}]
    rows += [{"group_id": group_id, "day": day, "member_id": m, "stage": s, "through": through}
             for m, s in stages.items()]
    conn.execute(insert(StageDay), rows)
    memo(conn, _LATEST).pop(group_id, None)


def messages_by_day(conn: Connection, group_id: str, since_day: str) -> dict[str, int]:
    """Local day → messages, from ``since_day`` on; days without messages absent."""
    g = GroupDayHour
    rows = conn.execute(select(col(g.day), func.sum(col(g.messages))).where(
        col(g.group_id) == group_id, col(g.day) >= since_day).group_by(col(g.day))).all()
    return {str(d): int(n or 0) for d, n in rows if n}


def messages_by_day_hour(conn: Connection, group_id: str, since_day: str) -> list[tuple[str, int, int]]:
    """(local day, local hour, messages) from ``since_day`` on."""
    g = GroupDayHour
    rows = conn.execute(select(col(g.day), col(g.hour), col(g.messages)).where(
        col(g.group_id) == group_id, col(g.day) >= since_day, col(g.messages) > 0)).all()
    return [(str(d), int(h), int(n)) for d, h, n in rows]


def messages_by_hour(conn: Connection, group_id: str) -> list[int]:
    """All-time messages per local hour (24 counts)."""
    g = GroupDayHour
    out = [0] * 24
    for hour, n in conn.execute(select(col(g.hour), func.sum(col(g.messages))).where(
            col(g.group_id) == group_id).group_by(col(g.hour))):
        out[int(hour)] = int(n or 0)
    return out
