"""Aggregate reads of the morning report and the weekly digest."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from storage.repo import report_reads, rollups
from storage.repo.report_reads import Window
from storage.repo.stores.sql import SqlStore


class ReportStore(Protocol):
    """Aggregate reads of the morning report and the weekly digest."""

    async def window(self, group_id: str, start: float, end: float) -> Window:
        """Messages, active members, joins and leaves between ``start`` and ``end``."""

    async def top_tags(self, group_id: str, start: float, end: float, limit: int = 5) -> list[tuple[str, int, int]]:
        """(tag, hits, members) between ``start`` and ``end``, most hits first."""

    async def top_contributors(self, group_id: str, start: float, end: float,
                               limit: int = 5) -> list[tuple[str, str, int]]:
        """(member, name, messages) of the most active members between ``start`` and ``end``."""

    async def top_helpers(self, group_id: str, start: float, end: float, limit: int = 5) -> list[tuple[str, str, int]]:
        """(member, name, replies) by replies to other members' messages, most first."""

    async def group_hours(self, group_id: str) -> list[int]:
        """The group's messages per local hour (24 counts)."""

    async def tag_message_times(self, group_id: str, since: float,
                                tag: str | None = None) -> list[tuple[str, str, int]]:
        """(tag, local day, local hour) of every keyword hit since ``since`` (of ``tag`` only, when given)."""

    async def tag_hits_between(self, group_id: str, tags: Sequence[str], start: float, end: float) -> int:
        """Keyword hits of ``tags`` after ``start`` up to ``end``."""


class SqlReportStore(SqlStore):
    """ReportStore over SQL tables (SQLite or PostgreSQL)."""

    async def window(self, group_id: str, start: float, end: float) -> Window:
        return await self._read(lambda c: report_reads.window(c, group_id, start, end))

    async def top_tags(self, group_id: str, start: float, end: float, limit: int = 5) -> list[tuple[str, int, int]]:
        return await self._read(lambda c: report_reads.top_tags(c, group_id, start, end, limit))

    async def top_contributors(self, group_id: str, start: float, end: float,
                               limit: int = 5) -> list[tuple[str, str, int]]:
        return await self._read(lambda c: report_reads.top_contributors(c, group_id, start, end, limit))

    async def top_helpers(self, group_id: str, start: float, end: float, limit: int = 5) -> list[tuple[str, str, int]]:
        return await self._read(lambda c: report_reads.top_helpers(c, group_id, start, end, limit))

    async def group_hours(self, group_id: str) -> list[int]:
        return await self._read(lambda c: rollups.messages_by_hour(c, group_id))

    async def tag_message_times(self, group_id: str, since: float,
                                tag: str | None = None) -> list[tuple[str, str, int]]:
        return await self._read(lambda c: report_reads.tag_message_times(c, group_id, since, tag))

    async def tag_hits_between(self, group_id: str, tags: Sequence[str], start: float, end: float) -> int:
        return await self._read(lambda c: report_reads.tag_hits_between(c, group_id, tags, start, end))
