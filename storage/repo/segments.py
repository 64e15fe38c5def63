"""Segment queries saved by admins."""

from __future__ import annotations

from sqlalchemy import Connection, select
from sqlmodel import col

from storage.models import (
    SavedSegment,
)
from storage.repo.upserts import upsert


def save_segment(conn: Connection, group_id: str, name: str, query: str, by: str, at: float) -> None:
    values = {"group_id": group_id, "name": name, "query": query, "created_by": by, "at": at}
    upsert(conn, SavedSegment, values, ["group_id", "name"], {"query": query, "created_by": by, "at": at})


def saved_segments(conn: Connection, group_id: str) -> dict[str, str]:
    rows = conn.execute(select(col(SavedSegment.name), col(SavedSegment.query))
                        .where(col(SavedSegment.group_id) == group_id).order_by(col(SavedSegment.name))).all()
    return {str(n): str(q) for n, q in rows}
