"""Purchases: orders, items and refunds, stored once and read back per group."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from storage.repo import commerce
from storage.repo.commerce import OrderFacts, OrderWrite
from storage.repo.stores.sql import SqlStore


class CommerceStore(Protocol):
    """Purchases: orders, items and refunds, stored once and read back per group."""

    async def record_order(self, order: OrderWrite) -> None:
        """Store an order with its items, unless its order id is stored already (then nothing changes)."""

    async def record_refund(self, refund_id: str, order_id: str, group_id: str, member_id: str, at: float,
                            amount: float | None) -> None:
        """Store a refund (``amount`` None: all of the order) once per ``refund_id``."""

    async def import_orders(self, orders: Sequence[OrderWrite]) -> list[bool]:
        """Store imported orders; per order True when new, False when its id was stored already. Committed
        on return."""

    async def group_orders(self, group_id: str, ids: Sequence[str] | None = None,
                           until: float | None = None) -> dict[str, list[OrderFacts]]:
        """member → the orders that count in the group (naming it or no group), oldest first, with refunds."""


class SqlCommerceStore(SqlStore):
    """CommerceStore over SQL tables (SQLite or PostgreSQL)."""

    async def record_order(self, order: OrderWrite) -> None:
        await self._write(lambda c: commerce.record_order(c, order))

    async def record_refund(self, refund_id: str, order_id: str, group_id: str, member_id: str, at: float,
                            amount: float | None) -> None:
        await self._write(lambda c: commerce.record_refund(c, refund_id, order_id, group_id, member_id, at, amount))

    async def import_orders(self, orders: Sequence[OrderWrite]) -> list[bool]:
        return await self._commit(lambda c: commerce.import_orders(c, orders))

    async def group_orders(self, group_id: str, ids: Sequence[str] | None = None,
                           until: float | None = None) -> dict[str, list[OrderFacts]]:
        return await self._read(lambda c: commerce.group_orders(c, group_id, ids, until))
