"""News queued for the morning report, and the weekly activities calendar."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, delete, insert, select, update
from sqlmodel import col

from storage.models import (
    Activity,
    NewsItem,
)


def add_news(conn: Connection, group_id: str, text: str, added_by: str, at: float) -> None:
    conn.execute(insert(NewsItem).values(group_id=group_id, text=text, added_by=added_by, at=at))


def pending_news(conn: Connection, group_id: str) -> list[tuple[int, str]]:
    rows = conn.execute(select(col(NewsItem.id), col(NewsItem.text)).where(
        col(NewsItem.group_id) == group_id, col(NewsItem.sent_at).is_(None)).order_by(col(NewsItem.id))).all()
    return [(int(i or 0), str(t)) for i, t in rows]


def remove_news(conn: Connection, group_id: str, item_id: int) -> None:
    conn.execute(delete(NewsItem).where(col(NewsItem.group_id) == group_id, col(NewsItem.id) == item_id))


def mark_news_sent(conn: Connection, ids: Sequence[int], at: float, keep_text: bool = True) -> None:
    if ids:
        conn.execute(update(NewsItem).where(col(NewsItem.id).in_(list(ids)))
                     .values(sent_at=at, **({} if keep_text else {"text": ""})))


def add_activity(conn: Connection, group_id: str, weekday: int, time: str, title: str, added_by: str,
                 at: float) -> None:
    conn.execute(insert(Activity).values(group_id=group_id, weekday=weekday, time=time, title=title,
                                         added_by=added_by, at=at))


def activities(conn: Connection, group_id: str) -> list[tuple[int, int, str, str]]:
    """(id, weekday, "HH:MM", title) ordered by weekday and time."""
    rows = conn.execute(select(col(Activity.id), col(Activity.weekday), col(Activity.time), col(Activity.title))
                        .where(col(Activity.group_id) == group_id)
                        .order_by(col(Activity.weekday), col(Activity.time), col(Activity.id))).all()
    return [(int(i or 0), int(w), str(t), str(ti)) for i, w, t, ti in rows]


def remove_activity(conn: Connection, group_id: str, activity_id: int) -> None:
    conn.execute(delete(Activity).where(col(Activity.group_id) == group_id, col(Activity.id) == activity_id))
