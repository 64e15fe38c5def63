"""Console logins over real HTTP: one-time links, the session cookie, expiry, logout; storage keeps hashes."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from bot.faces.console.auth import COOKIE, one_way
from bot.faces.console.service import CONSOLE
from tests.faces.console._community import ADMIN_A, NOBODY, ROOT, Clock, link, login, path_of, sections


@pytest.fixture
async def console(make_bot: Any) -> Any:
    clock = Clock()
    bot = await make_bot(clock=clock, **sections())
    bot.clock_ref = clock
    return bot


async def test_a_link_logs_in_once_with_a_strict_cookie(console: Any) -> None:
    url = await link(console.client, ADMIN_A)
    assert url.startswith("http://127.0.0.1:8080/console/login?t=")
    r = await console.client.get(path_of(url), allow_redirects=False)
    assert r.status == 303 and r.headers["Location"] == "/console/"
    cookie = r.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and not cookie["secure"]
    assert cookie["path"] == "/console" and cookie["max-age"] == str(12 * 3600)
    assert (await console.client.get("/console/")).status == 200
    again = await console.client.get(path_of(url), allow_redirects=False)
    assert again.status == 400
    assert "已经用过" in await again.text()


async def test_an_expired_link_and_a_made_up_one_say_so_in_chinese(console: Any) -> None:
    url = await link(console.client, ADMIN_A)
    console.clock_ref.now += 10 * 60 + 1
    r = await console.client.get(path_of(url), allow_redirects=False)
    assert r.status == 400 and "已经过期" in await r.text()
    r = await console.client.get("/console/login?t=not-a-real-token", allow_redirects=False)
    text = await r.text()
    assert r.status == 400 and "无效" in text and "Traceback" not in text
    assert (await console.client.get("/console/login", allow_redirects=False)).status == 400


async def test_only_admins_get_links_and_a_link_dies_with_its_admin_rights(console: Any) -> None:
    app = console.client.server.app
    assert await link(console.client, NOBODY) is None
    # A link made while the member was an admin: the config no longer lists them when it is used.
    await app[CONSOLE].store.add_login_token(one_way("link", "old-link"), NOBODY, console.clock_ref.now,
                                             console.clock_ref.now + 600)
    r = await console.client.get("/console/login?t=old-link", allow_redirects=False)
    assert r.status == 400 and "不是任何群的管理员" in await r.text()
    assert COOKIE not in r.cookies


async def test_a_link_preview_that_only_peeks_does_not_spend_the_link(console: Any) -> None:
    url = await link(console.client, ADMIN_A)
    assert (await console.client.head(path_of(url), allow_redirects=False)).status == 405
    assert (await console.client.get(path_of(url), allow_redirects=False)).status == 303


async def test_a_session_ends_after_session_hours(console: Any) -> None:
    await login(console.client, ADMIN_A)
    console.clock_ref.now += 12 * 3600 - 5
    assert (await console.client.get("/console/", allow_redirects=False)).status == 200
    console.clock_ref.now += 10
    r = await console.client.get("/console/", allow_redirects=False)
    assert r.status == 303 and r.headers["Location"] == "/console/welcome"


async def test_logout_ends_the_session_and_logout_everywhere_ends_all(console: Any, aiohttp_client: Any) -> None:
    csrf = await login(console.client, ROOT)
    other = await aiohttp_client(console.client.server)
    await login(other, ROOT)
    r = await console.client.post("/console/logout", data={"csrf": csrf}, allow_redirects=False)
    assert r.status == 303 and r.headers["Location"] == "/console/welcome?bye=1"
    assert (await console.client.get("/console/", allow_redirects=False)).status == 303
    assert (await other.get("/console/", allow_redirects=False)).status == 200
    csrf = await login(console.client, ROOT)
    await console.client.post("/console/logout-everywhere", data={"csrf": csrf}, allow_redirects=False)
    assert (await other.get("/console/", allow_redirects=False)).status == 303
    assert (await console.client.get("/console/", allow_redirects=False)).status == 303


async def test_storage_keeps_no_token_and_no_session_id_and_logins_are_audited(console: Any, tmp_path: Any) -> None:
    url = await link(console.client, ADMIN_A)
    r = await console.client.get(path_of(url), allow_redirects=False)
    session_id = r.cookies[COOKIE].value
    await console.client.post("/console/logout", data={"csrf": await login(console.client, ADMIN_A)})
    raw = (tmp_path / "quntag.db").read_bytes() + b"".join(p.read_bytes() for p in tmp_path.glob("quntag.db-wal"))
    assert url.split("t=")[1].encode() not in raw and session_id.encode() not in raw
    with sqlite3.connect(tmp_path / "quntag.db") as db:
        actions = [a for (a,) in db.execute("SELECT action FROM audit_log WHERE actor = ?", (f"console:{ADMIN_A}",))]
    assert actions.count("console_login") == 2 and "console_logout" in actions


async def test_https_public_url_makes_the_cookie_secure(make_bot: Any) -> None:
    bot = await make_bot(**sections(server={"public_url": "https://bot.example.com/"}))
    url = await link(bot.client, ADMIN_A)
    assert url.startswith("https://bot.example.com/console/login?t=")
    r = await bot.client.get(path_of(url), allow_redirects=False)
    assert r.cookies[COOKIE]["secure"]


async def test_english_console_when_the_default_locale_is_english(make_bot: Any) -> None:
    bot = await make_bot(**sections(defaults={"admins": [ROOT], "locale": "en"}))
    text = await (await bot.client.get("/console/welcome")).text()
    assert "Log in to the community console" in text and "登录" not in text.replace("/后台", "")
