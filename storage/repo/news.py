"""News queued for the morning report, and the weekly activities calendar."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, delete, insert, or_, select, update
from sqlmodel import col

from storage.models import (
    Activity,
    NewsItem,
)


def add_news(conn: Connection, group_id: str, text: str, added_by: str, at: float, day: str | None = None,
             source: str = "") -> None:
    conn.execute(insert(NewsItem).values(group_id=group_id, text=text, added_by=added_by, at=at, day=day,
                                         source=source))


def queued_news(conn: Connection, group_id: str, today: str) -> list[tuple[int, str, float]]:
    """(id, text, queued at) of the unsent news due by ``today`` (no date, or a date up to it), oldest first."""
    n = NewsItem
    rows = conn.execute(select(col(n.id), col(n.text), col(n.at)).where(
        col(n.group_id) == group_id, col(n.sent_at).is_(None), or_(col(n.day).is_(None), col(n.day) <= today))
        .order_by(col(n.at), col(n.id))).all()
    return [(int(i or 0), str(t), float(a)) for i, t, a in rows]


def used_keys(conn: Connection, group_id: str, keys: Sequence[str]) -> set[str]:
    """Which of a source's item ``keys`` this group has already had."""
    if not keys:
        return set()
    rows = conn.execute(select(col(NewsItem.item_key)).where(
        col(NewsItem.group_id) == group_id, col(NewsItem.item_key).in_(list(keys)))).all()
    return {str(k) for (k,) in rows}


def record_source_items(conn: Connection, group_id: str, items: Sequence[tuple[str, str, str, float]], at: float,
                        keep_text: bool = True) -> None:
    """Source items a report carried, as sent news rows (``(key, source, text, queued at)``): used once."""
    for key, source, text, queued in items:
        conn.execute(insert(NewsItem).values(group_id=group_id, text=text if keep_text else "", added_by="", at=queued,
                                             sent_at=at, source=source, item_key=key))


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
