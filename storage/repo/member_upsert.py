"""How a member row takes in one more sighting of the member — the SET clause of every member upsert.

The per-message path (a prepared statement with bind parameters) and the membership path (joins and
leaves, literal values) both build it here, so first/last sight and the latest display name follow one
rule: min/max via CASE, so any dialect and any arrival order give the same row.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, case
from sqlmodel import col

from storage.models import Member


def later(column: Any, at: Any) -> Any:
    """``column`` moved forward to ``at`` (set when it was NULL)."""
    return case((column.is_(None), at), (column < at, at), else_=column)


def sighting(at: Any, name: Any, named: ColumnElement[bool] | bool, last: Any = None,
             name_at: Any = None) -> dict[str, Any]:
    """SET values for a sighting at ``at`` — or for several, from ``at`` to ``last``, the latest with a name at
    ``name_at`` —: first and last seen widened, and — when ``named`` (a non-empty name came with it) and it is
    at least as new as the stored one — ``name`` replaces the display name."""
    m = Member
    last = at if last is None else last
    name_at = at if name_at is None else name_at
    out: dict[str, Any] = {
        "first_seen": case((col(m.first_seen) > at, at), else_=col(m.first_seen)),
        "last_seen": case((col(m.last_seen) < last, last), else_=col(m.last_seen)),
    }
    if named is False:
        return out
    newer = col(m.name_at) <= name_at if named is True else (col(m.name_at) <= name_at) & named
    out["name"] = case((newer, name), else_=col(m.name))
    out["name_at"] = case((newer, name_at), else_=col(m.name_at))
    return out
