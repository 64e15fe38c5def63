"""Purchase and refund events in the generic webhook's shape (contract §9)."""

from __future__ import annotations

from typing import Any


def purchase(eid: str, user: str, order: str, amount: float | None, t: float, group: str | None = "g-1",
             channel: str = "小程序", items: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    ev: dict[str, Any] = {"id": eid, "type": "purchase", "time": t, "user": {"id": user}, "order": order,
                          "currency": "CNY", "channel": channel,
                          "items": items if items is not None else [
                              {"sku": "w-1", "name": "赤霞珠 2019", "category": "红酒", "qty": 1, "price": amount}],
                          **extra}
    if amount is not None:
        ev["amount"] = amount
    if group is not None:
        ev["group"] = {"id": group}
    return ev


def refund(eid: str, user: str, order: str, t: float, amount: float | None = None,
           group: str | None = None) -> dict[str, Any]:
    ev: dict[str, Any] = {"id": eid, "type": "refund", "time": t, "user": {"id": user}, "order": order}
    if amount is not None:
        ev["amount"] = amount
    if group is not None:
        ev["group"] = {"id": group}
    return ev
