"""/mydata with a public address: a summary and a one-time link to the complete data as a file."""

from __future__ import annotations

import json
import re
import time

from sqlalchemy import text

from tests.conftest import message

NOW = float(int(time.time()))
PUBLIC = "https://bot.example.com"


async def ask_for_data(make_bot, clock):
    bot = await make_bot(clock=clock, server={"public_url": PUBLIC})
    await bot.post(message("m1", "u-1", "红酒", NOW))
    await bot.post(message("c1", "u-1", "/我的数据", NOW))
    await bot.settle()
    private = [r["text"] for r in bot.receiver.received if r.get("user") == "u-1"]
    assert len(private) == 1, private  # the summary, with the link in it: no JSON message any more
    found = re.search(re.escape(PUBLIC) + r"(/mydata/[A-Za-z0-9_-]+)", private[0])
    assert found, private[0]
    return bot, private[0], found.group(1)


async def test_link_downloads_the_data_once(make_bot):
    bot, summary, path = await ask_for_data(make_bot, lambda: NOW)
    assert "数据摘要" in summary and "10 分钟内有效" in summary and "{" not in summary
    # Opening the link (or a chat app drawing its preview) shows a button and spends nothing.
    for _ in range(2):
        page = await bot.client.get(path, headers={"User-Agent": "TelegramBot (like TwitterBot)"})
        body = await page.text()
        assert page.status == 200 and "下载数据文件" in body and "红酒" not in body
    got = await bot.client.post(path)
    assert got.status == 200
    assert "attachment" in got.headers["Content-Disposition"]
    assert "%E6%88%91%E7%9A%84%E6%95%B0%E6%8D%AE" in got.headers["Content-Disposition"]  # 我的数据-….json
    data = json.loads(await got.read())
    assert "tag_hits" in data["stored"] and "tier" not in data["profile"] and "member_states" not in data["stored"]
    assert data["profile"]["tags"][0]["name"] == "红酒"
    assert "data_export_links" not in data["stored"]  # the link itself is no data about the member
    again = await bot.client.post(path)
    assert again.status == 410 and "已经用过" in await again.text()

    def audited(conn):
        found = conn.execute(text("SELECT action FROM audit_log WHERE action LIKE 'mydata%' ORDER BY id"))
        return found.scalars().all()
    assert await bot.runtime.db.read(audited) == ["mydata", "mydata_download"]


async def test_link_expires_after_ten_minutes(make_bot):
    now = [NOW]
    bot, _, path = await ask_for_data(make_bot, lambda: now[0])
    now[0] = NOW + 601
    late = await bot.client.post(path)
    assert late.status == 410 and "过期" in await late.text()


async def test_unknown_link_and_forgotten_member(make_bot):
    bot, _, path = await ask_for_data(make_bot, lambda: NOW)
    wrong = await bot.client.post(path[:-3] + "xyz")
    assert wrong.status == 404 and "无效" in await wrong.text()
    await bot.post(message("f1", "u-1", "/删除我的数据", NOW))
    await bot.post(message("f2", "u-1", "/删除我的数据 确认", NOW))
    await bot.settle()
    # Erasure takes the link too: it names the member.
    gone = await bot.client.post(path)
    assert gone.status == 404

    def links(conn):
        return conn.execute(text("SELECT count(*) FROM data_export_links")).scalar()
    assert await bot.runtime.db.read(links) == 0
