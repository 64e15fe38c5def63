"""Purchases: orders, their items and refunds (contract §9).

``group_id`` is empty for a purchase that named no group: it counts in every group the member is in. Orders
are keyed by the shop's order id, so a purchase delivered twice (or imported again) is stored once; refunds
by the event that carried them, so two partial refunds of one order both count.
"""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class PurchaseOrder(SQLModel, table=True):
    """One order of one member: ``amount`` paid in ``currency`` through ``channel`` at ``at``."""

    __tablename__ = "purchase_orders"
    __table_args__ = (Index("ix_purchase_orders_member", "member_id", "group_id"),)
    order_id: str = Field(primary_key=True)
    group_id: str = ""
    member_id: str
    at: float
    amount: float
    currency: str = ""
    channel: str = ""
    source: str = ""  # the event id, or ``csv`` for an import


class PurchaseItem(SQLModel, table=True):
    """Line ``line`` of an order: ``qty`` × ``price`` of ``sku`` in ``category``."""

    __tablename__ = "purchase_items"
    order_id: str = Field(primary_key=True)
    line: int = Field(primary_key=True)
    group_id: str = ""
    member_id: str
    sku: str = ""
    name: str = ""
    category: str = ""
    qty: float = 1.0
    price: float = 0.0


class PurchaseRefund(SQLModel, table=True):
    """Money given back for an order: ``amount``, or the whole order when None."""

    __tablename__ = "purchase_refunds"
    refund_id: str = Field(primary_key=True)
    order_id: str = Field(index=True)
    group_id: str = ""
    member_id: str
    at: float
    amount: float | None = None
