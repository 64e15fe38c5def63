"""Bot posts and the group activity around them (push measurement)."""

from __future__ import annotations

from typing import Protocol

from storage.repo import pushes
from storage.repo.pushes import PostRow
from storage.repo.stores.sql import SqlStore


class PushStore(Protocol):
    """Bot posts, their measured response, and the member activity the measurement reads."""

    async def record_post(self, group_id: str, kind: str, at: float, slot: str) -> None:
        """The bot posted ``kind`` in the group at ``at`` (local ``slot`` ``HH:00``)."""

    async def posts(self, group_id: str, since: float, kinds: tuple[str, ...] = ()) -> list[PostRow]:
        """(id, kind, at, slot, members, responders, response_rate, baseline_rate, final), oldest first."""

    async def finish_post(self, post_id: int, members: int, responders: int, response_rate: float | None,
                          baseline_rate: float | None) -> None:
        """Store a post's final response once its window has closed."""

    async def members_at(self, group_id: str, at: float) -> set[str]:
        """The group's members at ``at``."""

    async def posters_between(self, group_id: str, start: float, end: float) -> set[str]:
        """Members who posted in the group in ``[start, end)``."""

    async def first_message_at(self, group_id: str) -> float | None:
        """When the group's oldest kept message was posted (None: no messages)."""

    async def record_reaction(self, group_id: str, member_id: str, at: float, message_id: str) -> None:
        """A member reacted to a message in the group (counts as a response to a bot post)."""


class SqlPushStore(SqlStore):
    """PushStore over SQL tables (SQLite or PostgreSQL)."""

    async def record_post(self, group_id: str, kind: str, at: float, slot: str) -> None:
        await self._write(lambda c: pushes.record_post(c, group_id, kind, at, slot))

    async def posts(self, group_id: str, since: float, kinds: tuple[str, ...] = ()) -> list[PostRow]:
        return await self._read(lambda c: pushes.posts(c, group_id, since, kinds))

    async def finish_post(self, post_id: int, members: int, responders: int, response_rate: float | None,
                          baseline_rate: float | None) -> None:
        await self._write(lambda c: pushes.finish_post(c, post_id, members, responders, response_rate,
                                                       baseline_rate))

    async def members_at(self, group_id: str, at: float) -> set[str]:
        return await self._read(lambda c: pushes.members_at(c, group_id, at))

    async def posters_between(self, group_id: str, start: float, end: float) -> set[str]:
        return await self._read(lambda c: pushes.posters_between(c, group_id, start, end))

    async def first_message_at(self, group_id: str) -> float | None:
        return await self._read(lambda c: pushes.first_message_at(c, group_id))

    async def record_reaction(self, group_id: str, member_id: str, at: float, message_id: str) -> None:
        await self._write(lambda c: pushes.record_reaction(c, group_id, member_id, at, message_id))
