"""The group dashboard, the members list (search, segment filter, sort, pages, exports) and one member's page
with its audited actions, over real HTTP with a real SQLite file."""

from __future__ import annotations

import csv
import io
import re
import time
from typing import Any
from urllib.parse import quote

import openpyxl
import pytest

from tests.conftest import TOKEN
from tests.faces.console._community import ADMIN_A, NAMES, A, B, login, sections, seed


@pytest.fixture
async def console(make_bot: Any) -> Any:
    bot = await make_bot(**sections())
    await seed(bot.runtime, time.time())
    return bot


def gpath(group: str, rest: str = "") -> str:
    return f"/console/groups/{quote(group, safe='')}{rest}"


def mpath(group: str, member: str, rest: str = "") -> str:
    return gpath(group, f"/members/{quote(member, safe='')}{rest}")


async def audit_rows(console: Any) -> list[tuple[str, str, str, str]]:
    db = console.runtime.repo.db
    from sqlalchemy import text
    rows = await db.read(lambda c: c.execute(text("SELECT actor, action, group_id, detail FROM audit_log")).all())
    return [tuple(r) for r in rows]


async def test_the_dashboard_draws_every_chart_in_chinese(console: Any) -> None:
    await login(console.client, ADMIN_A)
    r = await console.client.get(gpath(A))
    html = await r.text()
    assert r.status == 200
    for section in ("messages", "members-over-time", "heat", "flow", "tags", "tiers", "push-hours", "unanswered"):
        assert f'id="{section}"' in html, section
    for chart in ("chart-bar", "chart-line", "chart-heat", "chart-share", "chart-hbar"):
        assert chart in html, chart
    assert "近 90 天每天消息数" in html and "活跃热力图" in html and "周一" in html and "红酒" in html
    assert "最适合推送的时间" in html


async def test_the_flow_form_compares_two_dates_and_says_what_is_wrong(console: Any) -> None:
    await login(console.client, ADMIN_A)
    today = time.strftime("%Y-%m-%d", time.localtime())
    r = await console.client.get(gpath(A), params={"from": "2020-01-01", "to": today})
    html = await r.text()
    assert r.status == 200 and "尚未出现" in html  # everyone joined after 2020
    r = await console.client.get(gpath(A), params={"from": "2026-13-01"})
    assert r.status == 200 and "日期格式不对" in await r.text()
    r = await console.client.get(gpath(A), params={"from": today, "to": "2020-01-01"})
    assert "开始日期不能晚于结束日期" in await r.text()


async def test_members_filter_sort_and_errors_at_their_position(console: Any) -> None:
    await login(console.client, ADMIN_A)
    html = await (await console.client.get(gpath(A, "/members"))).text()
    assert "成员1" in html and "共 8 人" in html
    html = await (await console.client.get(gpath(A, "/members"), params={"q": "红酒"})).text()
    assert "成员1" in html and "成员7" not in html
    html = await (await console.client.get(gpath(A, "/members"), params={"name": "成员2"})).text()
    assert "共 1 人" in html and "成员2" in html
    html = await (await console.client.get(gpath(A, "/members"), params={"sort": "name", "dir": "asc"})).text()
    assert html.index("成员1<") < html.index("成员2<")
    html = await (await console.client.get(gpath(A, "/members"), params={"sort": "name", "dir": "desc"})).text()
    assert html.index("成员2<") < html.index("成员1<")
    r = await console.client.get(gpath(A, "/members"), params={"q": "红酒 & (tier=high"})
    html = await r.text()
    assert r.status == 400 and "查询有误（第 " in html and "<mark>" in html and "Traceback" not in html


async def test_exports_open_as_csv_with_bom_and_as_xlsx(console: Any) -> None:
    await login(console.client, ADMIN_A)
    r = await console.client.get(gpath(A, "/export.csv"), params={"q": "红酒"})
    body = await r.read()
    assert r.status == 200 and body.startswith(b"\xef\xbb\xbf") and "attachment" in r.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["名字", "成员 ID", "生命周期"] and len(rows) > 1
    assert all("红酒" in row[-1] for row in rows[1:])
    r = await console.client.get(gpath(A, "/export.xlsx"))
    book = openpyxl.load_workbook(io.BytesIO(await r.read()))
    sheet = book.active
    assert sheet.cell(1, 1).value == "名字" and sheet.max_row == 9 and isinstance(sheet.cell(2, 5).value, int)
    assert any(a[1] == "console_export" for a in await audit_rows(console))


async def test_a_member_page_shows_the_profile_and_every_view_is_audited(console: Any) -> None:
    await login(console.client, ADMIN_A)
    r = await console.client.get(mpath(A, "generic:u-1"))
    html = await r.text()
    assert r.status == 200 and "成员1" in html and "赤霞珠" in html and "chart-line" in html
    assert ("console:" + ADMIN_A, "console_view_member", A, "generic:u-1") in await audit_rows(console)
    r = await console.client.get(mpath(A, "generic:nobody"))
    assert r.status == 404 and "找不到这个成员" in await r.text()
    r = await console.client.get(mpath(B, "generic:u-11"))
    assert r.status == 404 and "无法打开这个群" in await r.text()


async def test_member_actions_change_the_profile_and_are_audited(console: Any) -> None:
    csrf = await login(console.client, ADMIN_A)
    page = mpath(A, "generic:u-2")
    for data in ({"action": "tag_add", "tag": "VIP"}, {"action": "attr_set", "key": "城市", "value": "上海"},
                 {"action": "tag_reject", "tag": "红酒"}):
        r = await console.client.post(page, data={**data, "csrf": csrf}, allow_redirects=False)
        assert r.status == 303, await r.text()
    api = await console.client.get("/api/groups/generic:g-a/members/generic:u-2",
                                   headers={"Authorization": f"Bearer {TOKEN}"})
    profile = await api.json()
    tags = {t["name"] for t in profile["tags"]}
    assert "VIP" in tags and "红酒" not in tags and profile["attributes"]["城市"]["value"] == "上海"
    actions = [a[1] for a in await audit_rows(console)]
    assert {"console_tag", "console_attr_set"} <= set(actions)
    r = await console.client.post(page, data={"action": "tag_add", "tag": "x"}, allow_redirects=False)
    assert r.status == 403  # no CSRF token


async def test_forget_asks_first_then_erases(console: Any) -> None:
    csrf = await login(console.client, ADMIN_A)
    html = await (await console.client.get(mpath(A, "generic:u-5", "/forget"))).text()
    assert "确定删除" in html and "成员5" in html
    r = await console.client.post(mpath(A, "generic:u-5", "/forget"), data={"csrf": csrf}, allow_redirects=False)
    assert r.status == 303  # no confirmation: back to the question
    r = await console.client.post(mpath(A, "generic:u-5", "/forget"), data={"csrf": csrf, "confirm": "yes"})
    assert r.status == 200 and "已删除" in await r.text()
    assert (await console.client.get(mpath(A, "generic:u-5"))).status == 404
    assert any(a[1] == "console_forget" for a in await audit_rows(console))


async def test_every_page_has_its_json_behind_the_api_token(console: Any) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    base = f"/api/console/groups/{quote(A, safe='')}"
    assert (await console.client.get(base)).status == 401
    d = await (await console.client.get(base, headers=auth)).json()
    assert d["name"] == NAMES[A] and len(d["days"]) == 90 and len(d["heat_map"]) == 7
    m = await (await console.client.get(base + "/members", params={"q": "红酒"}, headers=auth)).json()
    assert m["total"] >= 1 and all("红酒" in r["tags"] for r in m["rows"])
    bad = await console.client.get(base + "/members", params={"q": "(("}, headers=auth)
    assert bad.status == 400 and "position" in (await bad.json())["error"]
    one = await (await console.client.get(base + "/members/" + quote("generic:u-1", safe=""), headers=auth)).json()
    assert one["profile"]["name"] == "成员1" and one["scores"]["tags"][0]["tag"] == "红酒"
    nope = f"/api/console/groups/{quote('generic:nope', safe='')}"
    assert (await console.client.get(nope, headers=auth)).status == 404


async def test_segments_personas_and_associations(console: Any) -> None:
    csrf = await login(console.client, ADMIN_A)
    page = gpath(A, "/insights")
    r = await console.client.post(page, data={"csrf": csrf, "name": "酒友", "query": "红酒"}, allow_redirects=False)
    assert r.status == 303
    html = await (await console.client.get(page)).text()
    assert "酒友" in html and "chart-sparkline" in html and "画像卡片" in html and "提升度" in html
    r = await console.client.post(page, data={"csrf": csrf, "name": "坏", "query": "红酒 &"})
    assert r.status == 400 and "查询有误" in await r.text()
    status, d = await console.api(f"/api/console/groups/{quote(A, safe='')}/insights")
    assert status == 200 and d["segments"][0]["name"] == "酒友" and len(d["segments"][0]["weekly"]) == 5
    assert d["segments"][0]["members"] >= 1 and "associations" in d and "personas" in d
    assert any(a[1] == "console_segment_save" for a in await audit_rows(console))


async def test_tag_rules_show_the_taxonomy_and_preview_a_rule(console: Any) -> None:
    await login(console.client, ADMIN_A)
    html = await (await console.client.get(gpath(A, "/rules"))).text()
    assert "赤霞珠" in html and "现在的标签规则" in html and "preview-result" not in html
    # The test config keeps no text: the preview says so and counts the latest hits on these keywords.
    html = await (await console.client.get(gpath(A, "/rules"), params={"keywords": "赤霞珠 梅洛", "n": "50"})).text()
    assert "没有保存消息原文" in html and "最近 50 次关键词命中中，有 50 次是这些关键词" in html
    status, d = await console.api(f"/api/console/groups/{quote(A, safe='')}/rules?keywords=%E7%9B%B8%E6%9C%BA")
    assert status == 200 and d["preview"]["basis"] == "hits" and d["rules"][0]["name"] == "红酒"


async def test_the_rule_preview_matches_stored_text_like_the_tagger(make_bot: Any) -> None:
    bot = await make_bot(**sections(storage={"store_text": True}))
    await seed(bot.runtime, time.time())
    await login(bot.client, ADMIN_A)
    html = await (await bot.client.get(gpath(A, "/rules"), params={"keywords": "赤霞珠", "exclude": "开了一瓶赤霞珠"}))\
        .text()
    assert re.search(r"最近 \d+ 条消息中有 0 条会命中", html)  # every hit lies inside the exclude phrase
    html = await (await bot.client.get(gpath(A, "/rules"), params={"keywords": "赤霞珠", "n": "200"})).text()
    found = re.search(r"最近 (\d+) 条消息中有 (\d+) 条会命中", html)
    assert found and 0 < int(found.group(2)) <= int(found.group(1)) and "昨晚开了一瓶赤霞珠" in html


async def test_persona_cards_on_the_insights_page_are_the_chat_cards(make_bot: Any) -> None:
    bot = await make_bot(**sections(insights={"min_cell": 2, "persona_min_messages": 1}))
    await seed(bot.runtime, time.time())
    await login(bot.client, ADMIN_A)
    html = await (await bot.client.get(gpath(A, "/insights"))).text()
    status, d = await bot.api(f"/api/console/groups/{quote(A, safe='')}/insights")
    assert status == 200 and d["personas"], "the seeded group has enough members for personas"
    for p in d["personas"]:
        assert f"<h3>{p['name']}</h3>" in html and f"{p['size']} 人" in html
    assert "阶段：" in html and "persona_" not in html  # labels from the catalog, no raw keys
