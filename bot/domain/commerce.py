"""A member's purchases as their profile shows them (contract §9 ``commerce``) and the category-preference tags
they earn. Pure: the orders come from ``repo.commerce.group_orders``.

* ``orders`` counts orders not fully refunded; ``spend`` is what was paid minus what was refunded (a partial
  refund lowers it); ``avg_order_value`` (客单价) is the spend of the counted orders over their number;
* ``channel`` is where the member bought most often (the latest order breaks a tie);
* ``repurchase_due`` once the time since the last order exceeds the member's median interval between orders
  (two orders at least: one order has no interval);
* each item category is a tag (source ``purchase``) scored like a keyword tag: every counted order holding the
  category adds ``weight × 0.5 ^ (age / half_life_days)`` (the weight of a ``[[tags]]`` rule of that name, else 1),
  and the tag is carried once the score reaches ``min_score``.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from storage.repo import OrderFacts

DAY = 86400.0
PURCHASE_SOURCE = "purchase"
DEFAULT_CATEGORY = "interest"  # a purchase tag's category unless a [[tags]] rule of that name says otherwise


@dataclass(frozen=True, slots=True)
class Commerce:
    """What a member bought (in one group's view); times are unix seconds."""

    orders: int
    spend: float
    avg_order_value: float
    first_purchase: float | None
    last_purchase: float | None
    categories: tuple[str, ...]
    channel: str
    repurchase_due: bool
    days_since_purchase: float | None
    currency: str


def summarize(orders: Sequence[OrderFacts], t: float) -> Commerce | None:
    """The member's commerce at ``t``; None when they never bought (no order at all by ``t``)."""
    placed = [o for o in orders if o.at <= t]
    if not placed:
        return None
    counted = [o for o in placed if not o.fully_refunded]
    spend = round(sum(o.amount - o.refunded for o in placed), 2)
    counted_spend = sum(o.amount - o.refunded for o in counted)
    by_category: dict[str, float] = {}
    for o in counted:
        for i in o.items:
            if i.category:
                by_category[i.category] = by_category.get(i.category, 0.0) + (i.qty * i.price or 1.0)
    channels = Counter(o.channel for o in counted if o.channel)
    latest = {o.channel: n for n, o in enumerate(counted) if o.channel}
    channel = max(channels, key=lambda c: (channels[c], latest[c])) if channels else ""
    times = [o.at for o in counted]
    last = times[-1] if times else None
    due = False
    if len(times) >= 2 and last is not None:
        due = t - last > statistics.median(b - a for a, b in pairwise(times))
    currencies = Counter(o.currency for o in placed if o.currency)
    return Commerce(
        orders=len(counted), spend=spend,
        avg_order_value=round(counted_spend / len(counted), 2) if counted else 0.0,
        first_purchase=times[0] if times else None, last_purchase=last,
        categories=tuple(sorted(by_category, key=lambda c: (-by_category[c], c))),
        channel=channel, repurchase_due=due,
        days_since_purchase=None if last is None else round(max(0.0, t - last) / DAY, 1),
        currency=currencies.most_common(1)[0][0] if currencies else "")


def category_scores(orders: Sequence[OrderFacts], t: float, half_life_days: float) -> dict[str, float]:
    """Category → decayed score at ``t``: one hit per counted order holding the category (as a keyword tag counts
    one hit per message), weighted ``0.5 ^ (age / half_life)``."""
    out: dict[str, float] = {}
    for o in orders:
        if o.at > t or o.fully_refunded:
            continue
        weight = 0.5 ** (max(0.0, t - o.at) / DAY / half_life_days)
        for category in {i.category for i in o.items if i.category}:
            out[category] = out.get(category, 0.0) + weight
    return out


def purchase_tags(orders: Sequence[OrderFacts], t: float, half_life_days: float, min_score: float,
                  rules: Mapping[str, tuple[str, float]]) -> list[tuple[str, str, float]]:
    """(tag, category, score) of the categories whose score reached ``min_score``, highest first. ``rules`` maps
    configured tag names to their category and weight: a purchase of 红酒 counts as much as a message about it
    (weight 1 and category ``interest`` for a category no ``[[tags]]`` rule names)."""
    scored = []
    for name, raw in category_scores(orders, t, half_life_days).items():
        category, weight = rules.get(name, (DEFAULT_CATEGORY, 1.0))
        if not weight * raw < min_score:
            scored.append((weight * raw, name, category))
    scored.sort(key=lambda x: (-x[0], x[1]))
    return [(name, category, round(s, 2)) for s, name, category in scored]
