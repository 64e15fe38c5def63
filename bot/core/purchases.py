"""Purchase and refund events (contract §9): what a shop, a mini-program or a CSV import tells quntag about
money. Like every event they are frozen and serializable, because the inbox keeps them between the
acknowledgement and processing.

A purchase names its group when the shop knows it; ``chat.chat_id`` is empty when it does not, and then the
purchase applies to every group the member is in (:attr:`Purchase.every_group`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.core.refs import ChatRef, UserRef


@dataclass(frozen=True, slots=True)
class Item:
    """One line of an order: ``qty`` units of ``sku`` at ``price`` each, in ``category``."""

    sku: str
    name: str
    category: str
    qty: float
    price: float


@dataclass(frozen=True, slots=True)
class Purchase:
    """An order ``order`` of ``amount`` (``currency``) bought through ``channel`` (小程序, 门店 …)."""

    event_id: str
    chat: ChatRef
    user: UserRef
    time: float
    order: str
    amount: float
    currency: str = ""
    channel: str = ""
    items: tuple[Item, ...] = ()
    user_name: str = ""
    chat_name: str = ""
    kind: str = field(default="purchase", init=False)

    @property
    def every_group(self) -> bool:
        """No group named: the purchase counts in every group the member is in."""
        return not self.chat.chat_id


@dataclass(frozen=True, slots=True)
class Refund:
    """Money given back for ``order``: ``amount`` of it, or all of it when ``amount`` is None."""

    event_id: str
    chat: ChatRef
    user: UserRef
    time: float
    order: str
    amount: float | None = None
    chat_name: str = ""
    kind: str = field(default="refund", init=False)


def commerce_fields(ev: Purchase | Refund) -> dict[str, Any]:
    """The fields :func:`bot.core.events.event_to_dict` adds to the common ones for a purchase or refund."""
    out: dict[str, Any] = {"order": ev.order, "amount": ev.amount}
    if isinstance(ev, Purchase):
        out.update(currency=ev.currency, channel=ev.channel, user_name=ev.user_name,
                   items=[[i.sku, i.name, i.category, i.qty, i.price] for i in ev.items])
    return out


def commerce_from_dict(d: dict[str, Any], common: dict[str, Any]) -> Purchase | Refund:
    """Inverse of :func:`commerce_fields`; ``common`` holds the fields every event has, already decoded."""
    if d["kind"] == "refund":
        amount = d.get("amount")
        return Refund(**common, order=str(d["order"]), amount=None if amount is None else float(amount))
    return Purchase(**common, order=str(d["order"]), amount=float(d["amount"]), currency=d.get("currency", ""),
                    channel=d.get("channel", ""), user_name=d.get("user_name", ""),
                    items=tuple(Item(str(s), str(n), str(c), float(q), float(p)) for s, n, c, q, p in d["items"]))
