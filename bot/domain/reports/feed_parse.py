"""RSS and Atom documents → cache entries, through feedparser (the one module that imports it)."""

from __future__ import annotations

import calendar
from typing import Any

import feedparser

from storage.repo import CachedEntry

MAX_TEXT = 300  # a title longer than this is cut: a report line, not an article


class NotAFeed(ValueError):
    """The body is neither RSS nor Atom (an HTML error page, junk, an empty answer)."""


def _time(entry: Any) -> float | None:
    for key in ("published_parsed", "updated_parsed"):
        t = entry.get(key)
        if t:
            return float(calendar.timegm(t))
    return None


def parse_feed(body: bytes, seen_at: float) -> list[CachedEntry]:
    """The entries of an RSS or Atom document as written (titles are not normalized); raises
    :class:`NotAFeed` for anything else."""
    doc = feedparser.parse(body)
    version = str(doc.get("version") or "")
    entries = list(doc.get("entries") or [])
    if not version and not entries:
        raise NotAFeed(str(doc.get("bozo_exception") or "not RSS or Atom"))
    out: list[CachedEntry] = []
    for e in entries:
        title = str(e.get("title") or "").strip()
        link = str(e.get("link") or "").strip()
        if not title and not link:
            continue
        key = str(e.get("id") or link or title)[:500]
        out.append(CachedEntry(key=key, title=title[:MAX_TEXT], link=link, summary=str(e.get("summary") or "")[:1000],
                               published=_time(e), seen_at=seen_at))
    return out
