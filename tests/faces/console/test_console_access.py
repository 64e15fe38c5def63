"""Who sees what in the console, over real HTTP: sessions, per-group authorization (by URL too), CSRF on
every POST, error pages without tracebacks, and the overview's JSON behind the API token."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

import pytest

from tests.conftest import TOKEN
from tests.faces.console._community import ADMIN_A, ADMIN_B, NAMES, ROOT, A, B, C, login, sections, seed


@pytest.fixture
async def console(make_bot: Any) -> Any:
    bot = await make_bot(**sections())
    await seed(bot.runtime, time.time())
    return bot


def group_path(group: str) -> str:
    return f"/console/groups/{quote(group, safe='')}"


@pytest.mark.parametrize("path", ["/console", "/console/", group_path(A), "/console/groups/x/members",
                                  "/console/no-such-page"])
async def test_without_a_session_every_console_url_leads_to_the_login_help(console: Any, path: str) -> None:
    r = await console.client.get(path)
    assert r.status == 200 and str(r.url).endswith("/console/welcome")
    text = await r.text()
    assert "/console" in text and "/后台" in text and "quntag console-link" in text
    r = await console.client.post("/console/logout", allow_redirects=False)
    assert r.status == 303 and r.headers["Location"] == "/console/welcome"


async def test_an_admin_sees_only_their_groups_and_cannot_open_another_by_url(console: Any) -> None:
    await login(console.client, ADMIN_A)
    overview = await (await console.client.get("/console/")).text()
    assert NAMES[A] in overview and NAMES[B] not in overview and NAMES[C] not in overview
    assert A not in overview.replace(quote(A, safe=""), "")  # group ids only inside URLs
    r = await console.client.get(group_path(A))
    assert r.status == 200 and NAMES[A] in await r.text()
    for other in (B, C, "generic:no-such-group"):
        r = await console.client.get(group_path(other))
        text = await r.text()
        assert r.status == 404 and "无法打开这个群" in text and NAMES.get(other, "no-such") not in text


async def test_defaults_admins_see_every_group_even_unlisted_ones(console: Any) -> None:
    await login(console.client, ROOT)
    overview = await (await console.client.get("/console/")).text()
    assert all(name in overview for name in NAMES.values())
    assert (await console.client.get(group_path(C))).status == 200


async def test_the_group_needing_attention_comes_first(console: Any) -> None:
    await login(console.client, ROOT)
    overview = await (await console.client.get("/console/")).text()
    assert overview.index(NAMES[A]) < overview.index(NAMES[B])
    assert "近 7 天退群比入群多" in overview and "月" in overview and "日" in overview


async def test_every_post_needs_the_sessions_csrf_token(console: Any, aiohttp_client: Any) -> None:
    csrf = await login(console.client, ADMIN_B)
    other = await aiohttp_client(console.client.server)
    other_csrf = await login(other, ADMIN_B)
    for data in ({}, {"csrf": "0" * 40}, {"csrf": other_csrf}):
        r = await console.client.post("/console/logout", data=data, allow_redirects=False)
        assert r.status == 403 and "请求被拒绝" in await r.text()
    assert (await console.client.get("/console/", allow_redirects=False)).status == 200
    r = await console.client.post("/console/logout", headers={"X-CSRF-Token": csrf}, allow_redirects=False)
    assert r.status == 303


async def test_console_pages_carry_security_headers_and_errors_are_chinese_pages(console: Any) -> None:
    await login(console.client, ADMIN_A)
    r = await console.client.get("/console/")
    assert "default-src 'none'" in r.headers["Content-Security-Policy"]
    assert r.headers["Referrer-Policy"] == "no-referrer" and r.headers["Cache-Control"] == "no-store"
    r = await console.client.get("/console/no-such-page")
    assert r.status == 404 and "页面不存在" in await r.text()
    r = await console.client.put("/console/")
    assert r.status in (403, 405)  # a PUT is refused either way, never served
    r = await console.client.get("/console/static/console.css")
    assert r.status == 200 and r.content_type == "text/css"
    for bad in ("/console/static/..%2Fviews.py", "/console/static/nope.css", "/console/static/console.py"):
        assert (await console.client.get(bad)).status == 404


async def test_group_names_are_escaped(make_bot: Any) -> None:
    bot = await make_bot(**sections(groups=[{"id": A, "name": "<script>alert(1)</script>", "admins": [ADMIN_A]}]))
    await seed(bot.runtime, time.time())
    await login(bot.client, ADMIN_A)
    text = await (await bot.client.get("/console/")).text()
    assert "<script>alert" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text


async def test_the_overview_json_needs_the_api_token_and_shows_every_group(console: Any) -> None:
    assert (await console.client.get("/api/overview")).status == 401
    status, body = await console.api("/api/overview")
    assert status == 200 and body["generated_at"].endswith("Z")
    rows = {g["id"]: g for g in body["groups"]}
    assert set(rows) == {A, B, C} and body["groups"][0]["id"] == A
    a = rows[A]
    assert a["name"] == NAMES[A] and len(a["days"]) == len(a["messages"]) == len(a["joins"]) == 30
    assert a["totals"]["leaves"] == 3 and a["week"]["leaves"] == 3 and a["members"] == 5
    assert sum(a["lifecycle"].values()) == 8 and a["lifecycle"]["left"] == 3
    assert {r["code"] for r in a["attention"]["reasons"]} >= {"shrinking", "messages_down"}
    assert rows[B]["attention"] == {"score": 0, "reasons": []}
    assert rows[B]["members_by_day"][-1] == rows[B]["members"] == 4


async def test_api_overview_and_console_never_accept_each_others_credentials(console: Any) -> None:
    r = await console.client.get("/console/", headers={"Authorization": f"Bearer {TOKEN}"}, allow_redirects=False)
    assert r.status == 303
    await login(console.client, ROOT)
    assert (await console.client.get("/api/overview")).status == 401
