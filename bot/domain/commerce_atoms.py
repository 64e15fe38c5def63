"""Segment atoms on purchases (contract §9): ``orders``, ``spend``, ``avg_order_value`` and
``days_since_purchase`` compare numbers (``orders>=2``, ``spend>=500``, ``days_since_purchase>30``);
``channel=VALUE`` tests where the member buys most (``channel=小程序``).

A member who never bought has 0 orders and 0 spend (``orders=0`` finds them), but no average order value and no
``days_since_purchase``: every comparison of those is false for them (they are neither "under 100 a order" nor
"more than 30 days since a purchase"; ``!days_since_purchase<=30`` asks for them too).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from bot.domain.commerce import Commerce

NUMBERS = ("orders", "spend", "avg_order_value", "days_since_purchase")
CHANNEL = "channel"


def _fold(s: str) -> str:
    return unicodedata.normalize("NFKC", s).casefold()


def _value(name: str, c: Commerce | None) -> float | None:
    if name == "days_since_purchase":
        return None if c is None else c.days_since_purchase
    if name == "avg_order_value":
        return None if c is None or not c.orders else c.avg_order_value
    if c is None:
        return 0.0
    return float(c.orders if name == "orders" else c.spend)


def commerce_atom(name: str, op: str, value: str, number: float | None,
                  compare: dict[str, Callable[[float, float], bool]], c: Commerce | None) -> bool | None:
    """Whether the atom ``name op value`` holds for a member with purchases ``c``; None when it is no commerce
    atom (``number`` is the value as a number when it is one and unquoted)."""
    key = _fold(name)
    if key in NUMBERS and number is not None:
        mine = _value(key, c)
        return mine is not None and compare[op](mine, number)
    if key == CHANNEL and op == "=" and c is not None and c.channel:
        return _fold(c.channel) == _fold(value)
    return None
