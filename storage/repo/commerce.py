"""Purchases as sync functions run by the writer thread (and the reader pool): store orders and refunds once,
read a group's orders back with what was refunded of each."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, and_, delete, func, or_, select
from sqlmodel import col

from storage.models import Member, PurchaseItem, PurchaseOrder, PurchaseRefund
from storage.repo.id_lists import among
from storage.repo.upserts import insert_ignore

CENT = 0.005  # amounts closer than half a cent are equal (a "full" partial refund is a full refund)


@dataclass(frozen=True, slots=True)
class ItemWrite:
    sku: str
    name: str
    category: str
    qty: float
    price: float


@dataclass(frozen=True, slots=True)
class OrderWrite:
    """One order to store; ``group_id`` empty: it counts in every group of the member."""

    order_id: str
    group_id: str
    member_id: str
    at: float
    amount: float
    currency: str
    channel: str
    source: str
    items: tuple[ItemWrite, ...] = ()


@dataclass(slots=True)
class OrderFacts:
    """A stored order with what was refunded of it (capped at its amount)."""

    order_id: str
    member_id: str
    at: float
    amount: float
    currency: str
    channel: str
    refunded: float = 0.0
    items: list[ItemWrite] = field(default_factory=list)

    @property
    def fully_refunded(self) -> bool:
        return self.refunded >= self.amount - CENT


def record_order(conn: Connection, o: OrderWrite) -> bool:
    """Store an order and its items; False (nothing changes) when the order id is stored already."""
    fresh = insert_ignore(conn, PurchaseOrder, {
        "order_id": o.order_id, "group_id": o.group_id, "member_id": o.member_id, "at": o.at, "amount": o.amount,
        "currency": o.currency, "channel": o.channel, "source": o.source})
    if fresh and o.items:
        insert_ignore(conn, PurchaseItem, [{
            "order_id": o.order_id, "line": n, "group_id": o.group_id, "member_id": o.member_id, "sku": i.sku,
            "name": i.name, "category": i.category, "qty": i.qty, "price": i.price} for n, i in enumerate(o.items)])
    return bool(fresh)


def import_orders(conn: Connection, orders: Sequence[OrderWrite]) -> list[bool]:
    """Store many orders in one go (statements executed once per batch, not per row); per order True when new,
    False when its id was stored already (then it is left as it was)."""
    ids = list(dict.fromkeys(o.order_id for o in orders))
    stored: set[str] = set()
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        stored.update(conn.execute(select(col(PurchaseOrder.order_id))
                                   .where(col(PurchaseOrder.order_id).in_(chunk))).scalars())
    fresh = {o.order_id: o for o in orders if o.order_id not in stored}
    if fresh:
        insert_ignore(conn, PurchaseOrder, [{
            "order_id": o.order_id, "group_id": o.group_id, "member_id": o.member_id, "at": o.at, "amount": o.amount,
            "currency": o.currency, "channel": o.channel, "source": o.source} for o in fresh.values()])
        items = [{"order_id": o.order_id, "line": n, "group_id": o.group_id, "member_id": o.member_id, "sku": i.sku,
                  "name": i.name, "category": i.category, "qty": i.qty, "price": i.price}
                 for o in fresh.values() for n, i in enumerate(o.items)]
        if items:
            insert_ignore(conn, PurchaseItem, items)
    return [o.order_id not in stored for o in orders]


def record_refund(conn: Connection, refund_id: str, order_id: str, group_id: str, member_id: str, at: float,
                  amount: float | None) -> bool:
    """Store a refund once per ``refund_id``; it may arrive before its order (it counts once the order does)."""
    return bool(insert_ignore(conn, PurchaseRefund, {"refund_id": refund_id, "order_id": order_id,
                                                     "group_id": group_id, "member_id": member_id, "at": at,
                                                     "amount": amount}))


def _in_group(group_id: str) -> list[object]:
    """Orders of the group's members that name this group or none."""
    return [col(Member.group_id) == group_id, col(Member.member_id) == col(PurchaseOrder.member_id),
            or_(col(PurchaseOrder.group_id) == group_id, col(PurchaseOrder.group_id) == "")]


def group_orders(conn: Connection, group_id: str, ids: Sequence[str] | None = None,
                 until: float | None = None) -> dict[str, list[OrderFacts]]:
    """member → their orders that count in ``group_id`` (oldest first), placed and refunded by ``until``."""
    q = select(PurchaseOrder).join(Member, and_(*_in_group(group_id)))  # type: ignore[arg-type]
    if ids is not None:
        q = q.where(among(conn, col(PurchaseOrder.member_id), ids))
    if until is not None:
        q = q.where(col(PurchaseOrder.at) <= until)
    orders = {r.order_id: OrderFacts(r.order_id, r.member_id, r.at, r.amount, r.currency, r.channel)
              for r in conn.execute(q.order_by(col(PurchaseOrder.at), col(PurchaseOrder.order_id)))}
    keys = list(orders)
    for chunk in (keys[i:i + 500] for i in range(0, len(keys), 500)):
        items = select(PurchaseItem).where(col(PurchaseItem.order_id).in_(chunk))
        for it in conn.execute(items.order_by(col(PurchaseItem.order_id), col(PurchaseItem.line))):
            orders[it.order_id].items.append(ItemWrite(it.sku, it.name, it.category, it.qty, it.price))
        refunds = select(col(PurchaseRefund.order_id), col(PurchaseRefund.amount)).where(
            col(PurchaseRefund.order_id).in_(chunk))
        if until is not None:
            refunds = refunds.where(col(PurchaseRefund.at) <= until)
        for oid, amount in conn.execute(refunds):
            o = orders[oid]
            o.refunded = min(o.amount, o.amount if amount is None else o.refunded + float(amount))
    out: defaultdict[str, list[OrderFacts]] = defaultdict(list)
    for o in orders.values():
        out[o.member_id].append(o)
    return dict(out)


def fingerprint_part(conn: Connection, group_id: str) -> list[object]:
    """What changes whenever the group's purchase data does (orders and refunds)."""
    orders = conn.execute(select(func.count(), func.max(col(PurchaseOrder.at)))
                          .join(Member, and_(*_in_group(group_id)))).one()  # type: ignore[arg-type]
    mine = select(col(Member.member_id)).where(col(Member.group_id) == group_id)
    refunds = conn.execute(select(func.count(), func.max(col(PurchaseRefund.at)))
                           .where(col(PurchaseRefund.member_id).in_(mine))).one()
    return [*orders, *refunds]


def forget_unscoped(conn: Connection, member_id: str) -> int:
    """Erase a member's purchases that named no group (they counted in the group being erased too), with their
    items and every refund of their orders. The group's own rows go with the member tables."""
    orders = select(col(PurchaseOrder.order_id)).where(col(PurchaseOrder.member_id) == member_id,
                                                       col(PurchaseOrder.group_id) == "")
    n = conn.execute(delete(PurchaseRefund).where(or_(col(PurchaseRefund.order_id).in_(orders), and_(
        col(PurchaseRefund.member_id) == member_id, col(PurchaseRefund.group_id) == "")))).rowcount
    n += conn.execute(delete(PurchaseItem).where(col(PurchaseItem.member_id) == member_id,
                                                 col(PurchaseItem.group_id) == "")).rowcount
    n += conn.execute(delete(PurchaseOrder).where(col(PurchaseOrder.member_id) == member_id,
                                                  col(PurchaseOrder.group_id) == "")).rowcount
    return int(n)
