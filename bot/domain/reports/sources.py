"""What the morning report's news section carries: queued items (``/news add``, ``quntag news add``, the
API) and items from the group's sources (feeds from the cache, dated Markdown files), at most
:data:`MAX_NEWS` in all, oldest queued first. Every item is used once; its text is kept as written.

A feed entry counts as queued when quntag first saw it; a folder file ``YYYY-MM-DD.md`` at the local
midnight of its date (files of the last :data:`FOLDER_DAYS` days are read, so one crowded out today comes
tomorrow). Nothing here touches the network: feeds are fetched in the background (``handlers.feeds``).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.core.config import GroupConfig, SourceConfig
from bot.core.timeutil import day_minus, local_midnight
from storage.repo import CachedEntry, Repo

log = logging.getLogger("quntag.sources")
MAX_NEWS = 8
FOLDER_DAYS = 7
FOLDER_MAX_BYTES = 64 * 1024
_BULLET = re.compile(r"^\s*+(?:[-*+]|\d{1,4}[.)、])\s++")  # possessive: no backtracking


@dataclass(frozen=True, slots=True)
class NewsPick:
    """One news item of a report: a queued row (``news_id``) or a source item (``key``)."""

    text: str
    queued_at: float
    news_id: int | None = None
    key: str = ""
    source: str = ""


def wanted(src: SourceConfig, text: str) -> bool:
    """The source's keyword filter: any ``include`` word (when there are some) and no ``exclude`` word."""
    folded = text.casefold()
    if src.include and not any(w.casefold() in folded for w in src.include):
        return False
    return not any(w.casefold() in folded for w in src.exclude)


def feed_picks(src: SourceConfig, entries: Sequence[CachedEntry], used: set[str]) -> list[NewsPick]:
    """The newest ``max_items`` entries that pass the filter and this group has not had."""
    out: list[NewsPick] = []
    for e in entries:
        key = f"{src.key}#{e.key}"
        if key in used or not wanted(src, f"{e.title}\n{e.summary}"):
            continue
        text = f"{e.title} {e.link}".strip() if e.title else e.link
        out.append(NewsPick(text=text, queued_at=e.seen_at, key=key, source="feed"))
        if len(out) >= src.max_items:
            break
    return out


def markdown_items(text: str) -> list[str]:
    """A dated file's items: each list item or paragraph is one; ``#`` headings are the operator's titles and
    are skipped; the bullet marker goes (the report numbers items), the words stay as written."""
    items: list[str] = []
    block: list[str] = []

    def flush() -> None:
        if block:
            items.append("\n".join(block).strip())
            block.clear()

    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            flush()
        elif _BULLET.match(line):
            flush()
            block.append(_BULLET.sub("", line, count=1))
        else:
            block.append(line.rstrip())
    flush()
    return [i for i in items if i]


def read_folder(path: str, today: str, days: int = FOLDER_DAYS) -> dict[str, str]:
    """``{date: text}`` of the ``YYYY-MM-DD.md`` files in ``path`` dated in the last ``days`` days up to
    ``today`` (later files wait for their day). A missing folder or unreadable file is logged, never raised."""
    out: dict[str, str] = {}
    for back in range(days):
        day = day_minus(today, back)
        f = Path(path) / f"{day}.md"
        try:
            if f.is_file():
                out[day] = f.read_bytes()[:FOLDER_MAX_BYTES].decode("utf-8", errors="replace")
        except OSError as exc:
            log.warning("folder source %s: cannot read %s: %s", path, f.name, exc)
    return out


def folder_picks(src: SourceConfig, files: Mapping[str, str], timezone: str, used: set[str]) -> list[NewsPick]:
    out: list[NewsPick] = []
    for day in sorted(files):
        for n, item in enumerate(markdown_items(files[day]), 1):
            key = f"{src.key}#{day}#{n}"
            if key not in used and wanted(src, item):
                out.append(NewsPick(text=item, queued_at=local_midnight(day, timezone) + n * 1e-3, key=key,
                                    source="folder"))
    return out


def choose(queued: Sequence[tuple[int, str, float]], picks: Sequence[NewsPick],
           limit: int = MAX_NEWS) -> list[NewsPick]:
    """Pure: queued rows and source items → at most ``limit``, oldest queued first."""
    rows = [NewsPick(text=t, queued_at=at, news_id=i) for i, t, at in queued]
    return sorted([*rows, *picks], key=lambda p: (p.queued_at, p.news_id or 0, p.key))[:limit]


async def gather_news(repo: Repo, group: GroupConfig, today: str) -> list[NewsPick]:
    """The news the group's report of ``today`` carries (reads only: :func:`mark_used` records them)."""
    picks: list[NewsPick] = []
    for src in group.sources:
        if src.kind == "feed":
            entries = await repo.feeds.cached_entries(src.url)
            used = await repo.news.used_keys(group.id, [f"{src.key}#{e.key}" for e in entries])
            picks += feed_picks(src, entries, used)
        else:  # a few small local files, read off the event loop
            files = await asyncio.to_thread(read_folder, src.path, today)
            every = folder_picks(src, files, group.timezone, set())
            used = await repo.news.used_keys(group.id, [p.key for p in every])
            picks += [p for p in every if p.key not in used]
    return choose(await repo.news.queued_news(group.id, today), picks)


async def mark_used(repo: Repo, group_id: str, picks: Sequence[NewsPick]) -> None:
    """A posted report's news is never shown again."""
    await repo.news.mark_news_sent([p.news_id for p in picks if p.news_id is not None])
    await repo.news.record_source_items(group_id, [(p.key, p.source, p.text, p.queued_at) for p in picks if p.key])
