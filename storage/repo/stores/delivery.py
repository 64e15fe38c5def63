"""The outbox as the sender works it (queue, due, sent, failed) and adapters' durable state."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from storage.repo import intake
from storage.repo.intake import OutboxItem
from storage.repo.stores.sql import SqlStore
from storage.repo.transactions import UnitOfWork


class DeliveryStore(Protocol):
    """The outbox as the sender works it (queue, due, sent, failed) and adapters' durable state."""

    async def enqueue_outgoing(self, adapter: str, payload: dict[str, Any]) -> None:
        """Queue a message for the outbox (in the caller's mode: with an event, it leaves when the event commits)."""

    async def due_outgoing(self, limit: int, exclude: Sequence[int] = ()) -> list[OutboxItem]:
        """Queued messages whose next attempt is due, oldest first (without ``exclude``)."""

    async def next_outgoing_at(self) -> float | None:
        """When the next queued message is due (None: the outbox is empty)."""

    async def outgoing_sent(self, item_id: int) -> None:
        """A message was delivered: it leaves the outbox (committed on return)."""

    async def outgoing_failed(self, item_id: int, next_at: float, error: str) -> None:
        """A delivery failed: count the attempt and wait until ``next_at`` (committed on return)."""

    async def outbox_stats(self) -> dict[str, tuple[int, float | None]]:
        """Per adapter: queued messages and the creation time of the oldest."""

    async def adapter_state(self, adapter: str) -> dict[str, str]:
        """Everything an adapter stored with :meth:`set_adapter_state`."""

    async def set_adapter_state(self, adapter: str, key: str, value: str | None) -> None:
        """Store (or with None delete) one durable fact for an adapter; committed on return."""


class SqlDeliveryStore(SqlStore):
    """DeliveryStore over SQL tables (SQLite or PostgreSQL)."""

    async def enqueue_outgoing(self, adapter: str, payload: dict[str, Any]) -> None:
        now = self.clock()
        if isinstance(self.writer, UnitOfWork):
            self.writer.sends = True
        await self._write(lambda c: intake.enqueue_outgoing(c, adapter, payload, now))

    async def due_outgoing(self, limit: int, exclude: Sequence[int] = ()) -> list[OutboxItem]:
        now = self.clock()
        return await self._read(lambda c: intake.due_outgoing(c, now, limit, exclude))

    async def next_outgoing_at(self) -> float | None:
        return await self._read(intake.next_outgoing_at)

    async def outgoing_sent(self, item_id: int) -> None:
        await self._commit(lambda c: intake.outgoing_sent(c, item_id))

    async def outgoing_failed(self, item_id: int, next_at: float, error: str) -> None:
        await self._commit(lambda c: intake.outgoing_failed(c, item_id, next_at, error))

    async def outbox_stats(self) -> dict[str, tuple[int, float | None]]:
        return await self._read(intake.outbox_stats)

    async def adapter_state(self, adapter: str) -> dict[str, str]:
        return await self._read(lambda c: intake.get_state(c, adapter))

    async def set_adapter_state(self, adapter: str, key: str, value: str | None) -> None:
        now = self.clock()
        await self._commit(lambda c: intake.set_state(c, adapter, key, value, now))
