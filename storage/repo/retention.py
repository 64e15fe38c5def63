"""Retention of stored text."""

from __future__ import annotations

from sqlalchemy import Connection, update
from sqlmodel import col

from storage.models import MessageRow


def purge_text(conn: Connection, before: float) -> int:
    """Erase stored message text older than ``before`` (the retention window)."""
    res = conn.execute(update(MessageRow).where(col(MessageRow.text).is_not(None), col(MessageRow.at) < before)
                       .values(text=None))
    return int(res.rowcount or 0)
