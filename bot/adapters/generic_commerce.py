"""The generic adapter's ``purchase`` and ``refund`` events (contract §9): validated, normalized, or refused
with a 400 naming the field.

    {"id", "type": "purchase", "time", "user": {"id", "name"?}, "group": {"id"}?, "order": "o-1",
     "amount": 199.0, "currency": "CNY", "channel": "小程序", "items": [{"sku", "name", "category", "qty", "price"}]}
    {"id", "type": "refund", "time", "user": {"id"}, "group": {"id"}?, "order": "o-1", "amount": 50.0?}

``group`` may be left out: the purchase then counts in every group the member is in. ``amount`` may be left
out when ``items`` are given (it is then the sum of ``qty × price``); a refund without ``amount`` gives the
whole order back.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from bot.core.adapter import MALFORMED, WebhookRejected
from bot.core.events import ChatRef, UserRef
from bot.core.purchases import Item, Purchase, Refund

KINDS = ("purchase", "refund")
MAX_ITEMS = 1000
MAX_NUMBER = 1e12  # an amount, price or quantity past this is a mistake (and would overflow sums)


def _bad(detail: str) -> WebhookRejected:
    return WebhookRejected(400, MALFORMED, detail)


def _text(obj: Mapping[str, Any], key: str, where: str = "", required: bool = False) -> str:
    val = obj.get(key)
    if val is None or val == "":
        if required:
            raise _bad(f"missing field: {where}{key}")
        return ""
    if isinstance(val, bool) or not isinstance(val, str | int):
        raise _bad(f"field {where}{key} must be a string")
    return str(val).strip()


def _number(obj: Mapping[str, Any], key: str, where: str = "", default: float | None = None,
            positive: bool = False) -> float | None:
    val = obj.get(key)
    if val is None:
        return default
    if isinstance(val, bool) or not isinstance(val, int | float) or not 0 <= val <= MAX_NUMBER \
            or not math.isfinite(val):
        raise _bad(f"field {where}{key} must be a number from 0 to {MAX_NUMBER:.0e}")
    if positive and val <= 0:
        raise _bad(f"field {where}{key} must be a number above 0")
    return float(val)


def _items(payload: Mapping[str, Any]) -> tuple[Item, ...]:
    raw = payload.get("items", [])
    if not isinstance(raw, list) or len(raw) > MAX_ITEMS:
        raise _bad(f"field items must be a list of at most {MAX_ITEMS} objects")
    out = []
    for n, it in enumerate(raw):
        where = f"items[{n}]."
        if not isinstance(it, dict):
            raise _bad(f"field items[{n}] must be an object")
        qty = _number(it, "qty", where, 1.0, positive=True)
        price = _number(it, "price", where, 0.0)
        out.append(Item(_text(it, "sku", where), _text(it, "name", where), _text(it, "category", where),
                        qty or 1.0, price or 0.0))
    return tuple(out)


def parse_commerce(adapter: str, payload: Mapping[str, Any], event_id: str, kind: str, t: float) -> Purchase | Refund:
    """One purchase or refund, from a payload whose ``id``, ``type`` and ``time`` are checked already."""
    user = payload.get("user")
    if not isinstance(user, dict):
        raise _bad("missing field: user")
    who = UserRef(adapter, _text(user, "id", "user.", required=True))
    group = payload.get("group")
    if group is not None and not isinstance(group, dict):
        raise _bad("field group must be an object")
    chat = ChatRef(adapter, _text(group, "id", "group.", required=True) if group is not None else "")
    chat_name = _text(group, "name", "group.") if group is not None else ""
    order = _text(payload, "order", required=True)
    if kind == "refund":
        return Refund(event_id=event_id, chat=chat, user=who, time=t, order=order, chat_name=chat_name,
                      amount=_number(payload, "amount", positive=True))
    items = _items(payload)
    amount = _number(payload, "amount")
    if amount is None:
        if not items:
            raise _bad("missing field: amount")
        amount = round(sum(i.qty * i.price for i in items), 2)
    return Purchase(event_id=event_id, chat=chat, user=who, time=t, order=order, amount=amount,
                    currency=_text(payload, "currency"), channel=_text(payload, "channel"), items=items,
                    user_name=_text(user, "name", "user."), chat_name=chat_name)
