"""Morning-report news from sources: feeds from a local feed server (RSS and Atom fixtures) through the
background refresher and its database cache, folders of dated Markdown files, items queued in chat, by the CLI
and the API, the 8-item cap, and feeds that hang or answer junk."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.domain import reports as report_texts
from bot.faces.cli import main
from tests.conftest import TOKEN, message
from tests.handlers.feed_server import LAST_MODIFIED, FeedServer
from tests.handlers.test_operations import Clock, ts

GROUP = "generic:g-1"
TODAY = "2026-11-25"


@pytest.fixture
async def feeds() -> AsyncIterator[FeedServer]:
    server = FeedServer(hang_s=3.0)
    runner = web.AppRunner(server.app(), shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    server.base = f"http://127.0.0.1:{port}"
    yield server
    await runner.cleanup()


async def _bot(make_bot: Any, clock: Clock, sources: list[dict[str, Any]], **extra: Any) -> Any:
    group = {"id": GROUP, "admins": ["generic:u-9"], "morning_report": "08:00", "sources": sources, "topics": []}
    return await make_bot(clock=clock, groups=[group], **extra)


async def _fetched(rt: Any) -> None:
    """Wait for the background fetches the runtime started (at start-up and on its timer)."""
    while rt.feeds.in_flight:
        await asyncio.gather(*list(rt.feeds.in_flight.values()), return_exceptions=True)


async def _report(bot: Any, clock: Clock) -> str:
    rt = bot.runtime
    rep = await report_texts.morning(rt.repo, rt.context.render, bot.config.groups[GROUP], clock.t, bot.config)
    return str(rep.plain())


async def _post_morning(bot: Any, clock: Clock, day: str) -> str:
    """Run the scheduled morning report of ``day`` and return the text the group got."""
    bot.receiver.received.clear()
    clock.t = ts(f"{day} 08:00")
    assert await bot.runtime.jobs.tick(GROUP, "morning_report")
    await bot.settle()
    [posted] = [r for r in bot.receiver.received if "早报" in r.get("text", "")]
    return str(posted["text"])


def _news_lines(text: str) -> list[str]:
    section = text.split("资讯：\n", 1)[1].split("\n\n", 1)[0] if "资讯：\n" in text else ""
    return [line.split(". ", 1)[1] for line in section.splitlines()]


async def test_rss_and_atom_feeds_fill_the_report_once_each_with_filters_and_max_items(make_bot, feeds):
    clock = Clock(ts(f"{TODAY} 07:00"))
    bot = await _bot(make_bot, clock, [
        {"kind": "feed", "url": feeds.url("/industry.rss"), "max_items": 2, "exclude": ["广告"]},
        {"kind": "feed", "url": feeds.url("/photo.atom"), "include": ["相机"]},
    ])
    await _fetched(bot.runtime)
    first = _news_lines(await _post_morning(bot, clock, TODAY))
    # the newest two non-advert RSS items and the Atom entry about cameras, titles as written
    assert "勃艮第酒农协会发布今年采收报告 https://news.example.com/a/4" in first
    assert "宁夏产区再获国际金奖——“贺兰山东麓”走向世界 https://news.example.com/a/2" in first
    assert "新款无反相机发布：对焦更快，续航翻倍 https://photo.example.com/p/10" in first
    assert len(first) == 3 and not any("广告" in n or "夜景" in n for n in first)
    # the next morning: what was used is not repeated; the remaining RSS item comes, its "！" untouched
    second = _news_lines(await _post_morning(bot, clock, "2026-11-26"))
    assert second == ["波尔多 2026 年份期酒开盘，价格回落 8%！ https://news.example.com/a/1"]


async def test_a_conditional_get_is_sent_and_a_304_keeps_the_cache(make_bot, feeds):
    clock = Clock(ts(f"{TODAY} 07:00"))
    url = feeds.url("/industry.rss")
    bot = await _bot(make_bot, clock, [{"kind": "feed", "url": url}])
    rt = bot.runtime
    await _fetched(rt)
    assert feeds.requests[0] == ("/industry.rss", "", "")  # nothing cached yet: a plain GET
    await rt.feeds.fetch(url)
    assert feeds.requests[-1] == ("/industry.rss", '"industry.rss-v1"', LAST_MODIFIED)
    state = await rt.repo.feeds.fetch_state(url)
    assert state.status == 304 and state.etag == '"industry.rss-v1"'
    assert len(await rt.repo.feeds.cached_entries(url)) == 4  # the 304 kept every cached entry
    assert len(_news_lines(await _report(bot, clock))) == 3
    # not due again for a while: the timer does not ask the server every minute
    asked = len(feeds.requests)
    await rt.feeds.refresh_due()
    await _fetched(rt)
    assert len(feeds.requests) == asked


async def test_a_hanging_or_junk_feed_neither_delays_nor_breaks_the_report(make_bot, feeds):
    clock = Clock(ts(f"{TODAY} 07:00"))
    bot = await _bot(make_bot, clock, [{"kind": "feed", "url": feeds.url("/hang")},
                                       {"kind": "feed", "url": feeds.url("/junk")},
                                       {"kind": "feed", "url": feeds.url("/industry.rss"), "max_items": 1}])
    rt = bot.runtime
    rt.feeds.timeout_s = 1.0
    await rt.feeds.close()  # the start-up fetches ran with the default timeout: start over with 1 s
    t0 = time.monotonic()
    await rt.feeds.refresh_due()
    assert time.monotonic() - t0 < 0.5  # the timer only starts fetches
    assert feeds.url("/hang") in rt.feeds.in_flight
    t0 = time.monotonic()
    text = await _report(bot, clock)  # while the hanging feed is still being waited for
    assert time.monotonic() - t0 < 0.5 and "☀️ 早报" in text
    await _fetched(rt)
    hang = await rt.repo.feeds.fetch_state(feeds.url("/hang"))
    junk = await rt.repo.feeds.fetch_state(feeds.url("/junk"))
    assert hang.status == 0 and hang.ok_at is None and hang.error
    assert junk.status == 0 and junk.ok_at is None and junk.error
    assert _news_lines(await _post_morning(bot, clock, TODAY)) == [
        "勃艮第酒农协会发布今年采收报告 https://news.example.com/a/4"]


async def test_a_folder_of_dated_markdown_files_written_ahead(make_bot, tmp_path):
    folder = tmp_path / "content"
    folder.mkdir()
    written = "# 周三早报\n\n- 本周六 14:00 线下品酒会，报名请找群主!!\n- 新人专享：首单 8 折~\n"
    (folder / f"{TODAY}.md").write_text(written, encoding="utf-8")
    (folder / "2026-11-26.md").write_text("明天的消息：酒窖开放日。\n第二行仍是同一条。\n", encoding="utf-8")
    clock = Clock(ts(f"{TODAY} 07:00"))
    bot = await _bot(make_bot, clock, [{"kind": "folder", "path": "content"}])  # relative to the config
    assert _news_lines(await _post_morning(bot, clock, TODAY)) == [
        "本周六 14:00 线下品酒会，报名请找群主!!", "新人专享：首单 8 折~"]
    text = await _post_morning(bot, clock, "2026-11-26")
    assert "1. 明天的消息：酒窖开放日。\n第二行仍是同一条。" in text and "品酒会" not in text


async def test_at_most_eight_news_items_oldest_queued_first(make_bot, tmp_path):
    clock = Clock(ts(f"{TODAY} 06:00"))
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / f"{TODAY}.md").write_text("- 文件里的一条\n", encoding="utf-8")
    bot = await _bot(make_bot, clock, [{"kind": "folder", "path": "content"}])
    for i in range(1, 10):  # nine queued in chat, a minute apart
        clock.t += 60
        await bot.post(message(f"n{i}", "u-9", f"/news add 第{i}条", clock.t))
        await bot.settle()
    # the file's item counts as queued at midnight: the oldest of all
    assert _news_lines(await _post_morning(bot, clock, TODAY)) == ["文件里的一条", *[f"第{i}条" for i in range(1, 8)]]
    assert _news_lines(await _post_morning(bot, clock, "2026-11-26")) == ["第8条", "第9条"]


async def test_news_added_in_chat_may_start_with_the_date_it_is_for(make_bot):
    clock = Clock(ts(f"{TODAY} 07:00"))
    bot = await _bot(make_bot, clock, [])
    await bot.post(message("n1", "u-9", "/资讯 添加 2026-11-26 明天：酒窖开放日，10:00 开门。", clock.t))
    await bot.post(message("n2", "u-9", "/资讯 添加 2026-13-01 不是日期的开头", clock.t + 1))
    await bot.settle()
    replies = [r["text"] for r in bot.receiver.received]
    assert any("已加入 11月26日 的早报资讯" in r and "明天：酒窖开放日，10:00 开门。" in r for r in replies), replies
    assert _news_lines(await _post_morning(bot, clock, TODAY)) == ["2026-13-01 不是日期的开头"]
    assert _news_lines(await _post_morning(bot, clock, "2026-11-26")) == ["明天：酒窖开放日，10:00 开门。"]


async def _api(bot: Any, body: Any, group: str = GROUP, token: str = TOKEN) -> tuple[int, Any]:
    data = body if isinstance(body, bytes) else None
    r = await bot.client.post(f"/api/groups/{group}/news", data=data, json=None if data is not None else body,
                              headers={"Authorization": f"Bearer {token}"})
    return r.status, await r.json()


async def test_the_api_queues_news_with_an_optional_date_and_rejects_bad_input(make_bot):
    clock = Clock(ts(f"{TODAY} 07:00"))
    bot = await _bot(make_bot, clock, [])
    assert await _api(bot, {"text": "今晚 8 点直播：冬季酒单！"}) == (201, {"group": GROUP, "date": None, "pending": 1})
    status, body = await _api(bot, {"text": "周五的预告", "date": "2026-11-27"})
    assert status == 201 and body["pending"] == 2
    for bad, why in (({}, "text"), ({"text": "  "}, "text"), ({"text": 5}, "text"),
                     ({"text": "x", "date": "27/11/2026"}, "date"), ({"text": "x", "date": "2026-02-30"}, "date"),
                     ({"text": "x", "when": "now"}, "when"), (["x"], "object"), (b"{not json", "object")):
        status, body = await _api(bot, bad)
        assert status == 400 and why in body["error"], (bad, body)
    assert (await _api(bot, {"text": "x"}, token="wrong"))[0] == 401
    assert (await _api(bot, {"text": "x"}, group="generic:nowhere"))[0] == 404
    assert _news_lines(await _post_morning(bot, clock, TODAY)) == ["今晚 8 点直播：冬季酒单！"]
    assert _news_lines(await _post_morning(bot, clock, "2026-11-26")) == []  # held back until its date
    assert _news_lines(await _post_morning(bot, clock, "2026-11-27")) == ["周五的预告"]


def _config_file(tmp_path: Path) -> str:
    path = tmp_path / "config.toml"
    path.write_text("\n".join(['[server]', 'api_token = "t"', '[storage]', f'url = "sqlite:///{tmp_path}/q.db"',
                               '[adapters.generic]', 'secret = "s"', '[[groups]]', f'id = "{GROUP}"',
                               'topics = []']) + "\n", encoding="utf-8")
    return str(path)


def test_the_cli_queues_news_for_a_date_and_refuses_a_bad_one(tmp_path, capsys):
    cfg = _config_file(tmp_path)
    assert main(["news", "add", GROUP, "周五：酒庄参观，名额 20 人。", "--date", "2026-11-27", "--config", cfg]) == 0
    assert "1 item(s) waiting" in capsys.readouterr().out
    assert main(["news", "add", GROUP, "今天就发", "--config", cfg]) == 0
    assert main(["news", "add", GROUP, "x", "--date", "tomorrow", "--config", cfg]) == 1
    assert "date must be a date written YYYY-MM-DD" in capsys.readouterr().err
    assert main(["news", "add", GROUP, "", "--config", cfg]) == 1
    assert main(["report", "morning", GROUP, "--config", cfg]) == 0
    out = capsys.readouterr().out
    assert "今天就发" in out and ("酒庄参观" in out) == (time.strftime("%Y-%m-%d") >= "2026-11-27")
