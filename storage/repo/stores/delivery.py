"""The outbox as the sender works it (queue, due, sent, failed) and adapters' durable state."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from sqlalchemy import Connection

from storage.repo import intake, outbox_rows
from storage.repo.outbox_rows import OutboxItem
from storage.repo.stores.sql import SqlStore
from storage.repo.transactions import UnitOfWork


class DeliveryStore(Protocol):
    """The outbox as the sender works it (queue, due, sent, failed) and adapters' durable state."""

    async def enqueue_outgoing(self, adapter: str, payload: dict[str, Any]) -> None:
        """Queue a message for the outbox (in the caller's mode: with an event, it leaves when the event commits)."""

    async def due_outgoing(self, limit: int, parts: frozenset[int] | None = None,
                           claim_until: float | None = None) -> list[OutboxItem]:
        """Queued messages whose next attempt is due, oldest first; only of ``parts`` when given. With
        ``claim_until`` they are claimed (no other sender sees them) until then or until sent, failed or
        given back with :meth:`unclaim_outgoing`."""

    async def unclaim_outgoing(self, items: Sequence[OutboxItem], claimed_until: float) -> None:
        """Give claimed messages that were neither sent nor failed back, due as before."""

    async def next_outgoing_at(self, parts: frozenset[int] | None = None) -> float | None:
        """When the next queued message (of ``parts``) is due (None: none is queued)."""

    async def outgoing_sent(self, ids: Sequence[int], pace: tuple[str, Sequence[float]] | None = None) -> None:
        """Messages were delivered: they leave the outbox, and ``pace`` (chat, send times of its last minute) is
        kept for whoever sends to that chat next (committed on return)."""

    async def outgoing_failed(self, ids: Sequence[int], next_at: float, error: str,
                              pace: tuple[str, Sequence[float]] | None = None) -> None:
        """A delivery failed: count the attempt and wait until ``next_at`` (committed on return)."""

    async def chat_paces(self, lanes: Sequence[str], since: float) -> dict[str, list[float]]:
        """Send times since ``since`` of these chats, as :meth:`outgoing_sent` kept them."""

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
        await self._write(lambda c: outbox_rows.enqueue(c, adapter, payload, now))

    async def due_outgoing(self, limit: int, parts: frozenset[int] | None = None,
                           claim_until: float | None = None) -> list[OutboxItem]:
        now = self.clock()
        if claim_until is None:
            return await self._read(lambda c: outbox_rows.due(c, now, limit, parts, None))
        return await self._commit(lambda c: outbox_rows.due(c, now, limit, parts, claim_until))

    async def unclaim_outgoing(self, items: Sequence[OutboxItem], claimed_until: float) -> None:
        await self._commit(lambda c: outbox_rows.unclaim(c, items, claimed_until))

    async def next_outgoing_at(self, parts: frozenset[int] | None = None) -> float | None:
        return await self._read(lambda c: outbox_rows.next_at(c, parts))

    async def outgoing_sent(self, ids: Sequence[int], pace: tuple[str, Sequence[float]] | None = None) -> None:
        await self._settle(lambda c: outbox_rows.sent(c, ids), pace)

    async def outgoing_failed(self, ids: Sequence[int], next_at: float, error: str,
                              pace: tuple[str, Sequence[float]] | None = None) -> None:
        await self._settle(lambda c: outbox_rows.failed(c, ids, next_at, error), pace)

    async def _settle(self, change: Callable[[Connection], None], pace: tuple[str, Sequence[float]] | None) -> None:
        """A send's outcome for its rows, with the chat's send times when given, in one commit."""
        now = self.clock()

        def job(c: Connection) -> None:
            change(c)
            if pace is not None:
                outbox_rows.record_pace(c, pace[0], pace[1], now)
        await self._commit(job)

    async def chat_paces(self, lanes: Sequence[str], since: float) -> dict[str, list[float]]:
        return await self._read(lambda c: outbox_rows.paces(c, lanes, since))

    async def outbox_stats(self) -> dict[str, tuple[int, float | None]]:
        return await self._read(outbox_rows.stats)

    async def adapter_state(self, adapter: str) -> dict[str, str]:
        return await self._read(lambda c: intake.get_state(c, adapter))

    async def set_adapter_state(self, adapter: str, key: str, value: str | None) -> None:
        now = self.clock()
        await self._commit(lambda c: intake.set_state(c, adapter, key, value, now))
