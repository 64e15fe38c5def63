"""Reads behind the morning report's highlights."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from storage.repo import highlights
from storage.repo.highlights import Highlight
from storage.repo.stores.sql import SqlStore


class HighlightStore(Protocol):
    """Yesterday's highlights: most-replied-to message, best-answered question, streak milestones."""

    async def most_replied(self, group_id: str, start: float, end: float,
                           questions_only: bool = False) -> Highlight | None:
        """The message with most replies between ``start`` and ``end`` (only questions, when asked)."""

    async def streak_milestones(self, group_id: str, day: str, marks: Sequence[int]) -> list[tuple[str, str, int]]:
        """(member, name, streak) of check-ins on ``day`` that reached one of ``marks``."""


class SqlHighlightStore(SqlStore):
    """HighlightStore over SQL tables (SQLite or PostgreSQL)."""

    async def most_replied(self, group_id: str, start: float, end: float,
                           questions_only: bool = False) -> Highlight | None:
        return await self._read(lambda c: highlights.most_replied(c, group_id, start, end, questions_only))

    async def streak_milestones(self, group_id: str, day: str, marks: Sequence[int]) -> list[tuple[str, str, int]]:
        return await self._read(lambda c: highlights.streak_milestones(c, group_id, day, marks))
