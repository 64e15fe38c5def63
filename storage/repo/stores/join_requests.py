"""Join requests held by the newcomer gate."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from storage.repo import join_requests
from storage.repo.stores.sql import SqlStore


class JoinRequestStore(Protocol):
    """Join requests held by the newcomer gate."""

    async def upsert_join_request(self, group_id: str, member_id: str, request_id: str, name: str, at: float,
                                  status: str, via: str) -> None:
        """Record (or renew) a member's request to join, with its status and the way it came."""

    async def decide_join_request(self, group_id: str, member_id: str, status: str) -> None:
        """Approve or decline a pending or held request (a decided one stays as it is)."""

    async def join_requests(self, member_id: str | None = None, group_id: str | None = None,
                            statuses: Sequence[str] = ("pending", "held"),
                            ) -> list[tuple[str, str, str, str, float, str, str]]:
        """(group, member, request id, name, at, status, via) of the requests in ``statuses``, oldest first."""


class SqlJoinRequestStore(SqlStore):
    """JoinRequestStore over SQL tables (SQLite or PostgreSQL)."""

    async def upsert_join_request(self, group_id: str, member_id: str, request_id: str, name: str, at: float,
                                  status: str, via: str) -> None:
        await self._write(lambda c: join_requests.upsert_join_request(c, group_id, member_id, request_id, name, at,
                                                                status, via))

    async def decide_join_request(self, group_id: str, member_id: str, status: str) -> None:
        now = self.clock()
        await self._write(lambda c: join_requests.decide_join_request(c, group_id, member_id, status, now))

    async def join_requests(self, member_id: str | None = None, group_id: str | None = None,
                            statuses: Sequence[str] = ("pending", "held"),
                            ) -> list[tuple[str, str, str, str, float, str, str]]:
        return await self._read(lambda c: join_requests.join_requests(c, member_id, group_id, statuses))
