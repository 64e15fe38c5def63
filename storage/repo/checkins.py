"""Check-ins and points (streaks, leaders, credits)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, and_, func, select
from sqlmodel import col

from storage.models import (
    Checkin,
    Member,
    PointsEntry,
)
from storage.repo.upserts import insert_ignore


def credit(conn: Connection, group_id: str, member_id: str, reason: str, points: int, at: float) -> bool:
    """Credit points once per reason."""
    return bool(insert_ignore(conn, PointsEntry, {"group_id": group_id, "member_id": member_id, "reason": reason,
                                                  "points": points, "at": at}))


def points_of(conn: Connection, group_id: str, member_id: str) -> int:
    return int(conn.execute(select(func.coalesce(func.sum(col(PointsEntry.points)), 0)).where(
        col(PointsEntry.group_id) == group_id, col(PointsEntry.member_id) == member_id)).scalar() or 0)


@dataclass(frozen=True, slots=True)
class CheckinState:
    already: bool
    streak: int  # the streak today's check-in makes (or made)
    rank: int  # position among today's check-ins (1 = first)
    points: int  # total points before today's check-in is credited


def checkin_state(conn: Connection, group_id: str, member_id: str, day: str, yesterday: str) -> CheckinState:
    c = Checkin
    rows = dict(conn.execute(select(col(c.day), col(c.streak)).where(
        col(c.group_id) == group_id, col(c.member_id) == member_id, col(c.day).in_([day, yesterday]))).all())
    today_count = int(conn.execute(select(func.count()).where(col(c.group_id) == group_id,
                                                              col(c.day) == day)).scalar() or 0)
    pts = points_of(conn, group_id, member_id)
    if day in rows:
        return CheckinState(True, int(rows[day]), today_count, pts)
    return CheckinState(False, int(rows.get(yesterday, 0)) + 1, today_count + 1, pts)


def record_checkin(conn: Connection, group_id: str, member_id: str, day: str, yesterday: str, at: float,
                   points: int, bonus_every: int, bonus: int) -> int:
    """Insert today's check-in (streak from yesterday's row, computed here so a batch stays consistent)
    and credit points; returns the streak, or 0 when already checked in."""
    prev = conn.execute(select(col(Checkin.streak)).where(
        col(Checkin.group_id) == group_id, col(Checkin.member_id) == member_id, col(Checkin.day) == yesterday)).scalar()
    streak = int(prev or 0) + 1
    if not insert_ignore(conn, Checkin, {"group_id": group_id, "member_id": member_id, "day": day, "at": at,
                                         "streak": streak}):
        return 0
    if points:
        credit(conn, group_id, member_id, f"checkin:{day}", points, at)
    if bonus and bonus_every and streak % bonus_every == 0:
        credit(conn, group_id, member_id, f"streak:{day}", bonus, at)
    return streak


def checkin_stats(conn: Connection, group_id: str, since_day: str, today: str,
                  yesterday: str) -> dict[str, tuple[int, int]]:
    """member → (check-ins since ``since_day``, current streak — 0 unless the last was today or yesterday)."""
    c = Checkin
    out: dict[str, tuple[int, int]] = {}
    for mid, n in conn.execute(select(col(c.member_id), func.count()).where(
            col(c.group_id) == group_id, col(c.day) >= since_day).group_by(col(c.member_id))):
        out[str(mid)] = (int(n), 0)
    for mid, streak in conn.execute(select(col(c.member_id), func.max(col(c.streak))).where(
            col(c.group_id) == group_id, col(c.day).in_([today, yesterday])).group_by(col(c.member_id))):
        out[str(mid)] = (out.get(str(mid), (0, 0))[0], int(streak))
    return out


def checkin_leaders(conn: Connection, group_id: str, day: str, yesterday: str,
                    limit: int = 5) -> tuple[int, list[tuple[str, str, int]]]:
    """(check-ins on ``day``, [(member, name, current streak)] by streak) — a streak is current when
    its last check-in was on ``day`` or ``yesterday``."""
    c = Checkin
    count = int(conn.execute(select(func.count()).where(col(c.group_id) == group_id, col(c.day) == day)).scalar() or 0)
    latest = (select(col(c.member_id), func.max(col(c.day)).label("d")).where(col(c.group_id) == group_id)
              .group_by(col(c.member_id)).subquery())
    rows = conn.execute(
        select(col(c.member_id), col(Member.name), col(c.streak))
        .join(latest, and_(latest.c.member_id == col(c.member_id), latest.c.d == col(c.day)))
        .outerjoin(Member, and_(col(Member.group_id) == group_id, col(Member.member_id) == col(c.member_id)))
        .where(col(c.group_id) == group_id, col(c.day).in_([day, yesterday]))
        .order_by(col(c.streak).desc(), col(c.at)).limit(limit)).all()
    return count, [(str(m), str(n or ""), int(s)) for m, n, s in rows]


def checkin_members_between(conn: Connection, group_id: str, first_day: str, last_day: str) -> int:
    return int(conn.execute(select(func.count(func.distinct(col(Checkin.member_id)))).where(
        col(Checkin.group_id) == group_id, col(Checkin.day) >= first_day, col(Checkin.day) <= last_day)).scalar() or 0)


def points_leaders(conn: Connection, group_id: str, limit: int = 10) -> list[tuple[str, str, int]]:
    p = PointsEntry
    total = func.sum(col(p.points)).label("total")
    rows = conn.execute(select(col(p.member_id), col(Member.name), total)
                        .outerjoin(Member, and_(col(Member.group_id) == group_id,
                                                col(Member.member_id) == col(p.member_id)))
                        .where(col(p.group_id) == group_id).group_by(col(p.member_id), col(Member.name))
                        .order_by(total.desc(), col(p.member_id)).limit(limit)).all()
    return [(str(m), str(n or ""), int(t)) for m, n, t in rows]
