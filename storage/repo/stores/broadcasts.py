"""Broadcasts: queued per group, sent once, the deliveries the weekly cap counts, and 退订."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from storage.repo import broadcasts
from storage.repo.stores.sql import SqlStore


class BroadcastStore(Protocol):
    """Broadcasts queued per group, their deliveries and the members who unsubscribed."""

    async def add_broadcast(self, group_id: str, created_by: str, send_at: float, spec: str) -> int:
        """Queue a confirmed broadcast to one group; returns its id."""

    async def due_broadcasts(self, group_id: str, now: float) -> list[tuple[int, float, str]]:
        """(id, send_at, spec) of unsent broadcasts due by ``now``, oldest first."""

    async def mark_sent(self, broadcast_id: int, at: float, summary: str) -> None:
        """The broadcast went out (``summary``: JSON counts)."""

    async def record_deliveries(self, broadcast_id: int, group_id: str, members: Sequence[tuple[str, str]],
                                batch: str = "") -> None:
        """(member, how) pairs the broadcast reached now."""

    async def reached_in_batch(self, batch: str, members: Iterable[str]) -> set[str]:
        """The members a broadcast of the same batch (queued to several groups at once) already reached."""

    async def deliveries_since(self, members: Iterable[str], since: float) -> dict[str, int]:
        """Broadcasts that reached each member since ``since``, in any group."""

    async def set_optout(self, group_id: str, member_id: str, out: bool) -> None:
        """退订 (``out``) or 订阅 again."""

    async def optouts_among(self, members: Iterable[str]) -> set[str]:
        """The members of ``members`` who said 退订 (anywhere) and did not resubscribe."""


class SqlBroadcastStore(SqlStore):
    """BroadcastStore over SQL tables (SQLite or PostgreSQL)."""

    async def add_broadcast(self, group_id: str, created_by: str, send_at: float, spec: str) -> int:
        now = self.clock()
        return await self._commit(lambda c: broadcasts.add_broadcast(c, group_id, created_by, now, send_at, spec))

    async def due_broadcasts(self, group_id: str, now: float) -> list[tuple[int, float, str]]:
        return await self._read(lambda c: broadcasts.due_broadcasts(c, group_id, now))

    async def mark_sent(self, broadcast_id: int, at: float, summary: str) -> None:
        await self._write(lambda c: broadcasts.mark_sent(c, broadcast_id, at, summary))

    async def record_deliveries(self, broadcast_id: int, group_id: str, members: Sequence[tuple[str, str]],
                                batch: str = "") -> None:
        now, rows = self.clock(), list(members)
        await self._write(lambda c: broadcasts.record_deliveries(c, broadcast_id, group_id, rows, now, batch))

    async def reached_in_batch(self, batch: str, members: Iterable[str]) -> set[str]:
        ids = list(members)
        return await self._read(lambda c: broadcasts.reached_in_batch(c, batch, ids))

    async def deliveries_since(self, members: Iterable[str], since: float) -> dict[str, int]:
        ids = list(members)
        return await self._read(lambda c: broadcasts.deliveries_since(c, ids, since))

    async def set_optout(self, group_id: str, member_id: str, out: bool) -> None:
        now = self.clock()
        await self._write(lambda c: broadcasts.set_optout(c, group_id, member_id, now, out))

    async def optouts_among(self, members: Iterable[str]) -> set[str]:
        ids = list(members)
        return await self._read(lambda c: broadcasts.optouts_among(c, ids))
