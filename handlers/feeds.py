"""Feed sources of the morning report, fetched in the background.

Every minute the scheduler asks :meth:`FeedRefresher.refresh_due`, which starts a fetch task for each feed URL
not asked for :data:`REFRESH_S` and returns at once: the report never waits on the network, it reads the cache
(``repo.feeds``). Each fetch is a conditional GET (``If-None-Match`` / ``If-Modified-Since`` from the last
answer), bounded by :data:`TIMEOUT_S` and :data:`MAX_BYTES`; a feed that hangs, refuses or returns junk is
logged and noted in its state, and the cache keeps what it had.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import aiohttp

from bot.core.config import Config, GroupConfig
from bot.domain.reports.feed_parse import NotAFeed, parse_feed
from storage.repo import FetchState, Repo

log = logging.getLogger("quntag.feeds")
REFRESH_S = 30 * 60.0
RETRY_S = 10 * 60.0  # after a failure: sooner than a full refresh, not every minute
TIMEOUT_S = 15.0
MAX_BYTES = 2 * 1024 * 1024
USER_AGENT = "quntag (+morning report feed reader)"


def feed_urls(config: Config) -> list[str]:
    """Every feed URL any group's morning report reads, each once."""
    groups: list[GroupConfig] = [config.defaults, *config.groups.values()]
    return sorted({s.url for g in groups for s in g.sources if s.kind == "feed"})


class FeedRefresher:
    """Fetches due feeds into the cache, one background task per URL at a time."""

    def __init__(self, config: Config, repo: Repo, session: Callable[[], aiohttp.ClientSession | None],
                 clock: Callable[[], float], timeout_s: float = TIMEOUT_S) -> None:
        self.urls = feed_urls(config)
        self.repo = repo
        self.session = session
        self.clock = clock
        self.timeout_s = timeout_s
        self.in_flight: dict[str, asyncio.Task[None]] = {}

    async def refresh_due(self) -> None:
        """Start a fetch for every feed that is due; never waits for one."""
        try:
            await self._start_due()
        except Exception:  # a timer callback: log, and try again next minute
            log.exception("feed refresh failed")

    async def _start_due(self) -> None:
        now = self.clock()
        for url in self.urls:
            if url in self.in_flight:
                continue
            state = await self.repo.feeds.fetch_state(url)
            if state is not None:
                wait = REFRESH_S if state.ok_at is not None and state.ok_at >= state.checked_at else RETRY_S
                if now - state.checked_at < wait:
                    continue
            task = asyncio.create_task(self.fetch(url), name=f"quntag-feed:{url}")
            self.in_flight[url] = task
            task.add_done_callback(self._finished(url))

    def _finished(self, url: str) -> Callable[[asyncio.Task[None]], None]:
        def drop(_task: asyncio.Task[None]) -> None:
            self.in_flight.pop(url, None)
        return drop

    async def fetch(self, url: str) -> None:
        """One conditional GET of ``url``, its outcome stored; errors are logged, never raised."""
        session = self.session()
        if session is None:
            return
        before = await self.repo.feeds.fetch_state(url) or FetchState()
        headers = {"User-Agent": USER_AGENT}
        if before.etag:
            headers["If-None-Match"] = before.etag
        if before.last_modified:
            headers["If-Modified-Since"] = before.last_modified
        now = self.clock()
        try:
            async with session.get(url, headers=headers, timeout=aiohttp.ClientTimeout(total=self.timeout_s),
                                   allow_redirects=True) as resp:
                if resp.status == 304:
                    await self.repo.feeds.save_fetch(url, FetchState(before.etag, before.last_modified, now, now,
                                                                     304), [])
                    return
                if resp.status != 200:
                    raise NotAFeed(f"HTTP {resp.status}")
                body = await resp.content.read(MAX_BYTES + 1)
                if len(body) > MAX_BYTES:
                    raise NotAFeed(f"larger than {MAX_BYTES} bytes")
                entries = parse_feed(body, now)
                state = FetchState(resp.headers.get("ETag", ""), resp.headers.get("Last-Modified", ""), now, now, 200)
                await self.repo.feeds.save_fetch(url, state, entries)
                log.info("feed %s: %d entries", url, len(entries))
        except (TimeoutError, aiohttp.ClientError, NotAFeed, UnicodeError) as exc:
            why = f"no answer within {self.timeout_s:g} s" if isinstance(exc, TimeoutError) else (
                str(exc) or type(exc).__name__)
            log.warning("feed %s: %s", url, why)
            await self.repo.feeds.save_fetch(url, FetchState(before.etag, before.last_modified, now, before.ok_at,
                                                             0, why[:200]), [])

    async def close(self) -> None:
        """Cancel fetches still running (at shutdown)."""
        tasks = list(self.in_flight.values())
        for t in tasks:
            t.cancel()
        for t in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
