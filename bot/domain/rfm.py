"""The money in value tiers: in a group with purchase data a tier is an RFM score (contract §9).

* recency — from the later of the last message and the last purchase;
* frequency — the better of chat (active days in the last 30 ÷ ``tiers.frequency_days``) and orders (orders in
  the last ``ORDER_WINDOW_DAYS`` ÷ ``ORDERS_FOR_FULL_FREQUENCY``);
* money — the member's rank among the group's spenders (the top spender 1, no spend 0), in place of the
  engagement contribution, with its weight.

A member in the top tenth of spenders (by spend, at least one) is never below ``high``. A group without any
purchase keeps the engagement-based contribution.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from storage.repo import OrderFacts

DAY = 86400.0
ORDER_WINDOW_DAYS = 90
ORDERS_FOR_FULL_FREQUENCY = 3
TOP_SHARE = 0.1


@dataclass(frozen=True, slots=True)
class Money:
    """One member's purchase side of the RFM score."""

    spend: float
    orders: int
    recent_orders: int
    last_purchase: float | None
    money: float
    top_spender: bool


def group_money(orders: Mapping[str, Sequence[OrderFacts]], members: Iterable[str],
                now: float) -> dict[str, Money] | None:
    """member → Money for ``members``; None when none of them ever bought (the group has no purchase data)."""
    ids = list(members)
    placed = {m: [o for o in orders.get(m, ()) if o.at <= now] for m in ids}
    if not any(placed.values()):
        return None
    spend = {m: round(sum(o.amount - o.refunded for o in os), 2) for m, os in placed.items()}
    spenders = sorted((s for s in spend.values() if s > 0), reverse=True)
    cut = spenders[math.ceil(len(spenders) * TOP_SHARE) - 1] if spenders else math.inf
    out = {}
    for m, os in placed.items():
        counted = [o for o in os if not o.fully_refunded]
        mine = spend[m]
        rank = sum(1 for s in spenders if s <= mine) / len(spenders) if mine > 0 else 0.0
        out[m] = Money(mine, len(counted), sum(1 for o in counted if now - o.at <= ORDER_WINDOW_DAYS * DAY),
                       max((o.at for o in counted), default=None), rank, mine > 0 and mine >= cut)
    return out
