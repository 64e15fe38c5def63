"""Durable intake: accepted deliveries waiting in the inbox, and the commit of processed events."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from storage.repo.intake import Delivery, Pending
from storage.repo.intake_commits import Committed, IntakeMixin
from storage.repo.stores.sql import SqlStore
from storage.repo.transactions import UnitOfWork


class IntakeStore(Protocol):
    """Durable intake: accepted deliveries waiting in the inbox, and the commit of processed events. Every
    call commits on return (the inbox is what makes an event durable, so it is never part of one)."""

    async def accept(self, deliveries: Sequence[Delivery]) -> list[int | None]:
        """Durably store deliveries (group-committed); each gets its inbox sequence number (0 when it
        carried no events) or None for a duplicate."""

    async def pending(self, limit: int, after: int = 0, parts: frozenset[int] | None = None) -> list[Pending]:
        """Accepted events after inbox sequence number ``after``, oldest first; of partitions ``parts`` only
        when given (``storage.partitions``)."""

    async def pending_count(self) -> int:
        """Accepted events not yet processed."""

    async def oldest_pending(self) -> float | None:
        """When the oldest unprocessed event was accepted (None: the inbox is empty)."""

    async def commit_units(self, done: Sequence[tuple[int, UnitOfWork]], finish: bool) -> Committed:
        """Commit each event's unit of work (with ``finish`` also removing its inbox row); see
        ``storage.repo.intake_commits``."""


class SqlIntakeStore(IntakeMixin, SqlStore):
    """IntakeStore over SQL tables (SQLite or PostgreSQL)."""
