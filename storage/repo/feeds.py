"""The feed cache: validators for conditional GET, and the entries each feed listed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, select, update
from sqlmodel import col

from storage.models import FeedEntry, FeedState

KEEP_DROPPED_S = 30 * 86400.0


@dataclass(frozen=True, slots=True)
class CachedEntry:
    """One feed entry as the feed wrote it."""

    key: str
    title: str
    link: str
    summary: str
    published: float | None
    seen_at: float


@dataclass(frozen=True, slots=True)
class FetchState:
    """What a feed answered last: validators to send back, when it was asked, status and error."""

    etag: str = ""
    last_modified: str = ""
    checked_at: float = 0.0
    ok_at: float | None = None
    status: int = 0
    error: str = ""


def fetch_state(conn: Connection, url: str) -> FetchState | None:
    row = conn.execute(select(FeedState).where(col(FeedState.url) == url)).first()
    if row is None:
        return None
    m = row._mapping
    return FetchState(str(m["etag"]), str(m["last_modified"]), float(m["checked_at"]),
                      None if m["ok_at"] is None else float(m["ok_at"]), int(m["status"]), str(m["error"]))


def save_fetch(conn: Connection, url: str, state: FetchState, entries: Sequence[CachedEntry]) -> None:
    """Store one fetch's outcome; new entries join the cache (a known entry keeps its first-seen time)."""
    values = {"etag": state.etag, "last_modified": state.last_modified, "checked_at": state.checked_at,
              "ok_at": state.ok_at, "status": state.status, "error": state.error}
    if conn.execute(update(FeedState).where(col(FeedState.url) == url).values(**values)).rowcount == 0:
        conn.execute(insert(FeedState).values(url=url, **values))
    keys = [e.key for e in entries]
    known = {str(k) for (k,) in conn.execute(select(col(FeedEntry.entry_key)).where(
        col(FeedEntry.url) == url, col(FeedEntry.entry_key).in_(keys))).all()} if keys else set()
    fresh = {e.key: e for e in entries if e.key not in known}
    for e in fresh.values():
        conn.execute(insert(FeedEntry).values(url=url, entry_key=e.key, title=e.title, link=e.link,
                                              summary=e.summary, published=e.published, seen_at=e.seen_at))
    if state.status == 200:  # the cache keeps what the feed still lists, and a month of what it dropped
        gone = [col(FeedEntry.url) == url, col(FeedEntry.seen_at) < state.checked_at - KEEP_DROPPED_S]
        if keys:
            gone.append(col(FeedEntry.entry_key).not_in(keys))
        conn.execute(delete(FeedEntry).where(*gone))


def cached_entries(conn: Connection, url: str, limit: int = 50) -> list[CachedEntry]:
    """The feed's cached entries, newest first (by publication, else by when first seen)."""
    e = FeedEntry
    rows = conn.execute(select(e).where(col(e.url) == url)
                        .order_by(col(e.seen_at).desc(), col(e.published).desc(), col(e.entry_key)).limit(limit)).all()
    out = [CachedEntry(str(r.entry_key), str(r.title), str(r.link), str(r.summary),
                       None if r.published is None else float(r.published), float(r.seen_at)) for r in rows]
    return sorted(out, key=lambda c: (-(c.published if c.published is not None else c.seen_at), c.key))
