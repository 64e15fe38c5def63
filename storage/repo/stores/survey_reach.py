"""Survey deliveries and reminders, native polls, reward redemptions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from storage.repo import survey_reach
from storage.repo.stores.sql import SqlStore
from storage.repo.survey_reach import Redemption, Unanswered


class ReachStore(Protocol):
    """Survey deliveries and reminders, native polls, reward redemptions."""

    async def record_deliveries(self, group_id: str, survey_id: str, members: Sequence[tuple[str, str]]) -> None:
        """(member, channel ``private``/``group``) were sent the survey now, for ``group_id``."""

    async def delivered_group(self, survey_id: str, member_id: str) -> str | None:
        """The group whose sending of the survey reached the member last (None: never)."""

    async def unanswered_before(self, group_id: str, survey_id: str, sent_before: float) -> list[Unanswered]:
        """Members sent the survey before ``sent_before`` who neither answered nor were reminded."""

    async def mark_reminded(self, group_id: str, survey_id: str, members: Sequence[str]) -> None:
        """These members were reminded now (a reminder goes out once)."""

    async def member_names(self, group_id: str, members: Sequence[str]) -> dict[str, str]:
        """member → latest display name ("" when unknown)."""

    async def record_poll(self, adapter: str, poll_id: str, ref: str) -> None:
        """The platform named a poll we sent ``poll_id``; ``ref`` says what it asks (committed on return)."""

    async def poll_ref(self, adapter: str, poll_id: str) -> str | None:
        """What a poll we sent asks (None: not ours)."""

    async def redeem(self, group_id: str, member_id: str, reward: str, points: int, request: str) -> bool:
        """Spend points on a reward when the balance covers it; False when it does not (committed on return)."""

    async def redemptions(self, group_id: str, member_id: str | None = None, limit: int = 20) -> list[Redemption]:
        """The latest redemptions in the group (of one member when given), newest first."""


class SqlReachStore(SqlStore):
    """ReachStore over SQL tables (SQLite or PostgreSQL)."""

    async def record_deliveries(self, group_id: str, survey_id: str, members: Sequence[tuple[str, str]]) -> None:
        now, rows = self.clock(), list(members)
        await self._write(lambda c: survey_reach.record_deliveries(c, group_id, survey_id, rows, now))

    async def delivered_group(self, survey_id: str, member_id: str) -> str | None:
        return await self._read(lambda c: survey_reach.delivered_group(c, survey_id, member_id))

    async def unanswered_before(self, group_id: str, survey_id: str, sent_before: float) -> list[Unanswered]:
        return await self._read(lambda c: survey_reach.unanswered_before(c, group_id, survey_id, sent_before))

    async def mark_reminded(self, group_id: str, survey_id: str, members: Sequence[str]) -> None:
        now, rows = self.clock(), list(members)
        await self._write(lambda c: survey_reach.mark_reminded(c, group_id, survey_id, rows, now))

    async def member_names(self, group_id: str, members: Sequence[str]) -> dict[str, str]:
        ids = list(members)
        return await self._read(lambda c: survey_reach.member_names(c, group_id, ids))

    async def record_poll(self, adapter: str, poll_id: str, ref: str) -> None:
        now = self.clock()
        await self._commit(lambda c: survey_reach.record_poll(c, adapter, poll_id, ref, now))

    async def poll_ref(self, adapter: str, poll_id: str) -> str | None:
        return await self._read(lambda c: survey_reach.poll_ref(c, adapter, poll_id))

    async def redeem(self, group_id: str, member_id: str, reward: str, points: int, request: str) -> bool:
        now = self.clock()
        return await self._commit(lambda c: survey_reach.redeem(c, group_id, member_id, reward, points, request, now))

    async def redemptions(self, group_id: str, member_id: str | None = None, limit: int = 20) -> list[Redemption]:
        return await self._read(lambda c: survey_reach.redemptions(c, group_id, member_id, limit))
