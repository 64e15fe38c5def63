"""Queueing a news item for a group's morning report from outside the chat (``quntag news add``, ``POST
/api/groups/{group}/news``): the same checks for both, and the text stored exactly as written."""

from __future__ import annotations

import re
from datetime import date

from storage.repo import Repo

MAX_CHARS = 1000
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class BadNews(ValueError):
    """The item cannot be queued; the message says why (shown as the CLI error or the API's 400)."""


def checked(text: object, day: object = None) -> tuple[str, str | None]:
    """``(text, day)`` when they can be queued: non-empty text of at most :data:`MAX_CHARS` characters (kept
    as written, punctuation and line breaks included) and an optional date ``YYYY-MM-DD``."""
    if not isinstance(text, str) or not text.strip():
        raise BadNews("text must be a non-empty string")
    if len(text) > MAX_CHARS:
        raise BadNews(f"text is longer than {MAX_CHARS} characters")
    if day is None:
        return text, None
    if not isinstance(day, str) or not _DAY.fullmatch(day):
        raise BadNews("date must be a date written YYYY-MM-DD")
    try:
        date.fromisoformat(day)
    except ValueError:
        raise BadNews(f"date {day} does not exist") from None
    return text, day


async def queue(repo: Repo, group_id: str, text: object, day: object, source: str, by: str = "") -> int:
    """Queue one item (checked first); returns how many items now wait for that group's reports."""
    ok_text, ok_day = checked(text, day)
    await repo.news.add_news(group_id, ok_text, by, ok_day, source)
    return len(await repo.news.pending_news(group_id))
