"""Reading a purchases CSV (``quntag import purchases FILE.csv``, contract §9) into orders, line by line.

Columns ``order,time,member,group,amount,currency,channel,sku,name,category,qty,price`` (more are ignored, the
order does not matter): one row per item, the order's fields repeated on each of its rows. ``time`` is
ISO-8601 (without an offset: the group's local time) or unix seconds; ``member`` and ``group`` are full ids
(``generic:u-1``); ``group`` may be empty (the order counts in every group of the member); ``amount`` may be
empty on every row of an order (then it is the sum of ``qty × price``); ``qty`` defaults to 1, ``price`` to 0.

An order is taken whole or not at all: one bad row rejects every row of its order (each is reported), so
fixing the file and importing it again brings the order in once.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.adapters.generic_commerce import MAX_NUMBER
from storage.repo import ItemWrite, OrderWrite

COLUMNS = ("order", "time", "member", "group", "amount", "currency", "channel", "sku", "name", "category", "qty",
           "price")
ORDER_FIELDS = ("time", "member", "group", "amount", "currency", "channel")


class CsvRefused(Exception):
    """The file as a whole cannot be read (not UTF-8, no header, missing columns)."""


@dataclass(slots=True)
class _Order:
    first_line: int
    fields: dict[str, str]
    at: float
    amount: float | None
    lines: list[int] = field(default_factory=list)
    items: list[ItemWrite] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ReadCsv:
    orders: list[OrderWrite]
    rejected: list[tuple[int, str]]  # (line, reason), in line order


def _number(raw: str, what: str, default: float | None, positive: bool = False) -> float | None:
    if not raw.strip():
        return default
    try:
        value = float(raw.strip())
    except ValueError:
        raise ValueError(f"{what} is not a number: {raw.strip()!r}") from None
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        raise ValueError(f"{what} must be {'above' if positive else 'at least'} 0: {raw.strip()!r}")
    if value > MAX_NUMBER:
        raise ValueError(f"{what} is too large: {raw.strip()!r}")
    return value


def _time(raw: str, tz: str) -> float:
    text = raw.strip()
    if not text:
        raise ValueError("time is empty")
    try:
        value = float(text) if text.replace(".", "", 1).isdigit() else _iso(text, tz)
    except (ValueError, OverflowError):
        raise ValueError(f"time is neither ISO-8601 nor unix seconds: {text!r}") from None
    if not 0 <= value < 1e11:  # as the webhook's ``time``
        raise ValueError(f"time is out of range: {text!r}")
    return value


def _iso(text: str, tz: str) -> float:
    at = datetime.fromisoformat(text)
    return (at if at.tzinfo else at.replace(tzinfo=ZoneInfo(tz))).timestamp()


def _full_id(raw: str, what: str, required: bool) -> str:
    value = raw.strip()
    if not value:
        if required:
            raise ValueError(f"{what} is empty")
        return ""
    if ":" not in value.strip(":"):
        raise ValueError(f"{what} must be a full id like generic:{'u' if what == 'member' else 'g'}-1: {value!r}")
    return value


def decode(raw: bytes) -> str:
    """The file's text (a UTF-8 byte order mark is dropped); CsvRefused naming the line of a bad byte."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise CsvRefused(f"line {line}: not UTF-8 text") from None


def read(text: str, timezone_of: Callable[[str], str], source: str = "csv") -> ReadCsv:
    """Orders of a purchases CSV and the rejected lines with their reasons."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().casefold() for h in next(reader, [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise CsvRefused(f"line 1: missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)} "
                         f"(expected {','.join(COLUMNS)})")
    at = {c: header.index(c) for c in COLUMNS}
    orders: dict[str, _Order] = {}
    rejected: dict[int, str] = {}
    bad_orders: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        cells = {c: (row[i] if i < len(row) else "").strip() for c, i in at.items()}
        order_id = cells["order"]
        try:
            if not order_id:
                raise ValueError("order is empty")
            member = _full_id(cells["member"], "member", True)
            group = _full_id(cells["group"], "group", False)
            when = _time(cells["time"], timezone_of(group))
            amount = _number(cells["amount"], "amount", None)
            qty = _number(cells["qty"], "qty", 1.0, positive=True) or 1.0
            price = _number(cells["price"], "price", 0.0) or 0.0
            seen = orders.get(order_id)
            mine = {k: cells[k] for k in ORDER_FIELDS} | {"member": member, "group": group}
            if seen is None:
                seen = orders[order_id] = _Order(line, mine, when, amount)
            else:
                differ = [k for k in ORDER_FIELDS if mine[k] != seen.fields[k]]
                if differ:
                    raise ValueError(f"{', '.join(differ)} differ from line {seen.first_line} of order {order_id}")
            seen.lines.append(line)
            if cells["sku"] or cells["name"] or cells["category"]:
                seen.items.append(ItemWrite(cells["sku"], cells["name"], cells["category"], qty, price))
        except ValueError as exc:
            rejected[line] = str(exc)
            if order_id:
                bad_orders.setdefault(order_id, line)
    out = []
    for order_id, o in orders.items():
        if order_id in bad_orders:
            for line in o.lines:
                rejected.setdefault(line, f"order {order_id} has a rejected line ({bad_orders[order_id]})")
            continue
        amount = o.amount if o.amount is not None else round(sum(i.qty * i.price for i in o.items), 2)
        out.append(OrderWrite(order_id, o.fields["group"], o.fields["member"], o.at, amount, o.fields["currency"],
                              o.fields["channel"], source, tuple(o.items)))
    return ReadCsv(out, sorted(rejected.items()))
