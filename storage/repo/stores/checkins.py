"""Check-ins, streaks and points."""

from __future__ import annotations

from typing import Protocol

from storage.repo import checkins
from storage.repo.checkins import CheckinState
from storage.repo.stores.sql import SqlStore


class CheckinStore(Protocol):
    """Check-ins, streaks and points."""

    async def checkin_state(self, group_id: str, member_id: str, day: str, yesterday: str) -> CheckinState:
        """Whether the member checked in on ``day``, the streak and rank that makes, and their points."""

    async def record_checkin(self, group_id: str, member_id: str, day: str, yesterday: str, at: float,
                             points: int, bonus_every: int, bonus: int) -> None:
        """Today's check-in with its streak and points (and the streak bonus every ``bonus_every`` days)."""

    async def checkin_leaders(self, group_id: str, day: str, yesterday: str,
                              limit: int = 5) -> tuple[int, list[tuple[str, str, int]]]:
        """(check-ins today, [(member, name, streak)] of the longest streaks)."""

    async def checkin_stats(self, group_id: str, since_day: str, today: str,
                            yesterday: str) -> dict[str, tuple[int, int]]:
        """member → (check-ins since ``since_day``, current streak)."""

    async def checkin_members_between(self, group_id: str, first_day: str, last_day: str) -> int:
        """How many members checked in between two local days (inclusive)."""

    async def points_leaders(self, group_id: str, limit: int = 10) -> list[tuple[str, str, int]]:
        """(member, name, points) of the members with the most points, most first."""

    async def points_of(self, group_id: str, member_id: str) -> int:
        """A member's points in the group."""

    async def credit(self, group_id: str, member_id: str, reason: str, points: int) -> None:
        """Credit points for ``reason``, once per reason."""


class SqlCheckinStore(SqlStore):
    """CheckinStore over SQL tables (SQLite or PostgreSQL)."""

    async def checkin_state(self, group_id: str, member_id: str, day: str, yesterday: str) -> CheckinState:
        return await self._read(lambda c: checkins.checkin_state(c, group_id, member_id, day, yesterday))

    async def record_checkin(self, group_id: str, member_id: str, day: str, yesterday: str, at: float,
                             points: int, bonus_every: int, bonus: int) -> None:
        await self._write(lambda c: checkins.record_checkin(c, group_id, member_id, day, yesterday, at, points,
                                                           bonus_every, bonus))

    async def checkin_leaders(self, group_id: str, day: str, yesterday: str,
                              limit: int = 5) -> tuple[int, list[tuple[str, str, int]]]:
        return await self._read(lambda c: checkins.checkin_leaders(c, group_id, day, yesterday, limit))

    async def checkin_stats(self, group_id: str, since_day: str, today: str,
                            yesterday: str) -> dict[str, tuple[int, int]]:
        return await self._read(lambda c: checkins.checkin_stats(c, group_id, since_day, today, yesterday))

    async def checkin_members_between(self, group_id: str, first_day: str, last_day: str) -> int:
        return await self._read(lambda c: checkins.checkin_members_between(c, group_id, first_day, last_day))

    async def points_leaders(self, group_id: str, limit: int = 10) -> list[tuple[str, str, int]]:
        return await self._read(lambda c: checkins.points_leaders(c, group_id, limit))

    async def points_of(self, group_id: str, member_id: str) -> int:
        return await self._read(lambda c: checkins.points_of(c, group_id, member_id))

    async def credit(self, group_id: str, member_id: str, reason: str, points: int) -> None:
        now = self.clock()
        await self._write(lambda c: checkins.credit(c, group_id, member_id, reason, points, now))
