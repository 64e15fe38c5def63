"""News queued for the morning report and the weekly activities calendar."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from storage.repo import news
from storage.repo.stores.sql import SqlStore


class NewsStore(Protocol):
    """News queued for the morning report and the weekly activities calendar."""

    async def add_news(self, group_id: str, text: str, added_by: str, day: str | None = None,
                       source: str = "") -> None:
        """Queue a news item for the next morning report (held back until the local date ``day`` if given);
        ``source`` says where it came from (chat, cli, api)."""

    async def queued_news(self, group_id: str, today: str) -> list[tuple[int, str, float]]:
        """(id, text, queued at) of the unsent news due by the local date ``today``, oldest queued first."""

    async def used_keys(self, group_id: str, keys: Sequence[str]) -> set[str]:
        """Which source items (by key) this group's reports have already carried."""

    async def record_source_items(self, group_id: str, items: Sequence[tuple[str, str, str, float]]) -> None:
        """Remember source items a report carried (``(key, source, text, queued at)``), so each is used once."""

    async def pending_news(self, group_id: str) -> list[tuple[int, str]]:
        """(id, text) of the news not sent yet, oldest first."""

    async def remove_news(self, group_id: str, item_id: int) -> None:
        """Drop a queued news item."""

    async def mark_news_sent(self, ids: Sequence[int]) -> None:
        """Sent news is never shown again: without ``store_text`` its text goes now, else with retention."""

    async def add_activity(self, group_id: str, weekday: int, time: str, title: str, added_by: str) -> None:
        """Add a weekly activity (weekday, "HH:MM", title)."""

    async def activities(self, group_id: str) -> list[tuple[int, int, str, str]]:
        """(id, weekday, "HH:MM", title) of the weekly activities, in week order."""

    async def remove_activity(self, group_id: str, activity_id: int) -> None:
        """Drop a weekly activity."""


class SqlNewsStore(SqlStore):
    """NewsStore over SQL tables (SQLite or PostgreSQL)."""

    async def add_news(self, group_id: str, text: str, added_by: str, day: str | None = None,
                       source: str = "") -> None:
        now = self.clock()
        await self._write(lambda c: news.add_news(c, group_id, text, added_by, now, day, source))

    async def queued_news(self, group_id: str, today: str) -> list[tuple[int, str, float]]:
        return await self._read(lambda c: news.queued_news(c, group_id, today))

    async def used_keys(self, group_id: str, keys: Sequence[str]) -> set[str]:
        return await self._read(lambda c: news.used_keys(c, group_id, keys))

    async def record_source_items(self, group_id: str, items: Sequence[tuple[str, str, str, float]]) -> None:
        now, keep = self.clock(), self.keep_text
        await self._write(lambda c: news.record_source_items(c, group_id, items, now, keep))

    async def pending_news(self, group_id: str) -> list[tuple[int, str]]:
        return await self._read(lambda c: news.pending_news(c, group_id))

    async def remove_news(self, group_id: str, item_id: int) -> None:
        await self._write(lambda c: news.remove_news(c, group_id, item_id))

    async def mark_news_sent(self, ids: Sequence[int]) -> None:
        now, keep = self.clock(), self.keep_text
        await self._write(lambda c: news.mark_news_sent(c, ids, now, keep))

    async def add_activity(self, group_id: str, weekday: int, time: str, title: str, added_by: str) -> None:
        now = self.clock()
        await self._write(lambda c: news.add_activity(c, group_id, weekday, time, title, added_by, now))

    async def activities(self, group_id: str) -> list[tuple[int, int, str, str]]:
        return await self._read(lambda c: news.activities(c, group_id))

    async def remove_activity(self, group_id: str, activity_id: int) -> None:
        await self._write(lambda c: news.remove_activity(c, group_id, activity_id))
