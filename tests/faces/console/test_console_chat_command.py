"""/console (/后台) in chat: an admin gets a working one-time link privately; nobody else gets one, and a link
is never posted in a group."""

from __future__ import annotations

import re
import time
from typing import Any

from tests.conftest import message
from tests.faces.console._community import ADMIN_A, path_of, sections

LINK = re.compile(r"https?://\S+/console/login\?t=\S+")


async def test_an_admin_gets_a_private_link_that_logs_in(make_bot: Any) -> None:
    bot = await make_bot(**sections())
    await bot.post(message("c-1", ADMIN_A.partition(":")[2], "/后台", time.time(), group="g-a"))
    await bot.settle()
    private = [r for r in bot.receiver.received if "user" in r]
    # (A morning report due at this hour may be posted too: only the answer to /后台 is looked at.)
    public = [r for r in bot.receiver.received if "group" in r and r.get("reply_to") == "c-1"]
    assert [r["user"] for r in private] == ["u-a"]
    [url] = LINK.findall(private[0]["text"])
    assert "10 分钟" in private[0]["text"]
    assert public and all(not LINK.search(r["text"]) for r in public)
    assert "私信" in public[0]["text"]
    login = await bot.client.get(path_of(url), allow_redirects=False)
    assert login.status == 303 and login.headers["Location"] == "/console/"


async def test_a_member_who_is_no_admin_gets_no_link(make_bot: Any) -> None:
    bot = await make_bot(**sections())
    await bot.post(message("c-2", "u-5", "/console", time.time(), group="g-a"))
    await bot.settle()
    texts = [r["text"] for r in bot.receiver.received]
    assert texts and not any(LINK.search(t) for t in texts)
    assert any("不是任何群的管理员" in t for t in texts)


async def test_a_chat_apps_link_preview_does_not_spend_the_link(make_bot: Any) -> None:
    bot = await make_bot(**sections())
    await bot.post(message("c-3", ADMIN_A.partition(":")[2], "/console", time.time(), group="g-a"))
    await bot.settle()
    [url] = [u for r in bot.receiver.received if "user" in r for u in LINK.findall(r["text"])]
    preview = await bot.client.get(path_of(url), headers={"User-Agent": "TelegramBot (like TwitterBot)"},
                                   allow_redirects=False)
    assert preview.status == 200 and "浏览器" in await preview.text()
    login = await bot.client.get(path_of(url), allow_redirects=False)
    assert login.status == 303 and login.headers["Location"] == "/console/"
