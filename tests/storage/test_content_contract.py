"""What every storage backend keeps for the morning report's content: dated news, source items used once,
and the feed cache (validators and entries).

Through the stores' public calls only, once per backend in ``STORE_URLS`` (see ``backends.py``).
"""

from __future__ import annotations

from storage.repo import CachedEntry, FetchState, Repo
from tests.storage.backends import T0

GROUP = "generic:g-1"
URL = "https://example.com/feed.xml"


async def test_dated_news_waits_for_its_day_and_source_items_are_used_once(repo: Repo) -> None:
    await repo.news.add_news(GROUP, "周五的预告", "api", "2026-01-09", "api")
    await repo.news.add_news(GROUP, "今天就发！", "cli", None, "cli")
    assert [t for _i, t, _a in await repo.news.queued_news(GROUP, "2026-01-08")] == ["今天就发！"]
    assert [t for _i, t, _a in await repo.news.queued_news(GROUP, "2026-01-09")] == ["周五的预告", "今天就发！"]
    await repo.news.record_source_items(GROUP, [("feed:x#1", "feed", "标题 https://x/1", T0)])
    assert await repo.news.used_keys(GROUP, ["feed:x#1", "feed:x#2"]) == {"feed:x#1"}
    assert await repo.news.used_keys("generic:g-2", ["feed:x#1"]) == set()  # per group
    assert len(await repo.news.queued_news(GROUP, "2026-01-09")) == 2  # a used source item is not queued


async def test_the_feed_cache_keeps_validators_and_each_entry_once(repo: Repo) -> None:
    assert await repo.feeds.fetch_state(URL) is None
    first = [CachedEntry("a", "旧闻", "https://x/a", "", T0 - 86400, T0),
             CachedEntry("b", "新闻", "https://x/b", "", T0, T0)]
    await repo.feeds.save_fetch(URL, FetchState('"v1"', "Tue, 24 Nov 2026 12:00:00 GMT", T0, T0, 200), first)
    again = [CachedEntry("b", "新闻（改）", "https://x/b", "", T0, T0 + 60)]
    await repo.feeds.save_fetch(URL, FetchState('"v2"', "", T0 + 60, T0 + 60, 200), again)
    state = await repo.feeds.fetch_state(URL)
    assert state is not None and (state.etag, state.status, state.checked_at) == ('"v2"', 200, T0 + 60)
    entries = await repo.feeds.cached_entries(URL)
    assert [(e.key, e.title, e.seen_at) for e in entries] == [("b", "新闻", T0), ("a", "旧闻", T0)]
    later = T0 + 40 * 86400  # a month after the feed stopped listing "a", the cache lets it go
    await repo.feeds.save_fetch(URL, FetchState('"v3"', "", later, later, 200), again)
    assert [e.key for e in await repo.feeds.cached_entries(URL)] == ["b"]
