"""The feed cache behind the morning report's feed sources."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from storage.repo import feeds
from storage.repo.feeds import CachedEntry, FetchState
from storage.repo.stores.sql import SqlStore


class FeedStore(Protocol):
    """The feed cache: validators for conditional GET, and the entries each feed listed."""

    async def fetch_state(self, url: str) -> FetchState | None:
        """What ``url`` answered last (None: never asked)."""

    async def save_fetch(self, url: str, state: FetchState, entries: Sequence[CachedEntry]) -> None:
        """Store one fetch's outcome and any new entries (committed at once: fetches run in the background)."""

    async def cached_entries(self, url: str, limit: int = 50) -> list[CachedEntry]:
        """The feed's cached entries, newest first."""


class SqlFeedStore(SqlStore):
    """FeedStore over SQL tables (SQLite or PostgreSQL)."""

    async def fetch_state(self, url: str) -> FetchState | None:
        return await self._read(lambda c: feeds.fetch_state(c, url))

    async def save_fetch(self, url: str, state: FetchState, entries: Sequence[CachedEntry]) -> None:
        await self._commit(lambda c: feeds.save_fetch(c, url, state, entries))

    async def cached_entries(self, url: str, limit: int = 50) -> list[CachedEntry]:
        return await self._read(lambda c: feeds.cached_entries(c, url, limit))
