"""The group pages in a real browser (Debian's Chromium through Playwright): every page renders with its charts
and no console errors at desktop and phone width (each saved as a screenshot), the members filter with a valid
and an invalid query, exports that open, CSRF refusal, no other group's pages by URL, and a morning time edited
in the console that the scheduler then uses."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from bot.faces.appkeys import RUNTIME
from tests.faces.console._community import ADMIN_A, NAMES, ROOT, A, B
from tests.faces.console._live import LiveConsole, group_path, logged_in

pytestmark = pytest.mark.browser
WIDTHS = ("desktop", "phone")


def fits(page: Any) -> bool:
    """Nothing wider than the screen: a phone never scrolls sideways (wide tables scroll inside their box)."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


# (screenshot name, path under the group, a selector that must show, charts expected on the page)
PAGES = [("dashboard", "", "#heat", ("svg.chart-bar", "svg.chart-line", "svg.chart-heat", "svg.chart-hbar")),
         ("members", "/members", "table#members", ()),
         ("member", "/members/" + quote("generic:u-1", safe=""), "#scores", ("svg.chart-line",)),
         ("insights", "/insights", "#associations", ()),
         ("surveys", "/surveys", ".survey", ("svg.chart-share", "svg.chart-hbar")),
         ("routine", "/routine", "#morning-preview", ()),
         ("rules", "/rules?keywords=%E8%B5%A4%E9%9C%9E%E7%8F%A0", "#preview-result", ())]


def test_every_group_page_renders_with_its_charts_at_both_widths(browse: Any, live: LiveConsole) -> None:
    for viewport in WIDTHS:
        page = logged_in(browse, live, ROOT, viewport)
        for name, rest, marker, drawn in PAGES:
            response = page.goto(live.url(group_path(A, rest)))
            assert response.status == 200, name
            assert page.locator(marker).count() >= 1, name
            for chart in drawn:
                assert page.locator(chart).count() >= 1, (name, chart)
            assert page.locator("nav.tabs a.current").count() == 1, name
            assert NAMES[A] in page.inner_text("main")
            if viewport == "phone":
                assert fits(page), name
            browse.shot(page, name, viewport)


def test_the_members_filter_with_a_good_and_a_bad_query(browse: Any, live: LiveConsole) -> None:
    for viewport in WIDTHS:
        page = logged_in(browse, live, ADMIN_A, viewport)
        page.goto(live.url(group_path(A, "/members")))
        everyone = page.locator("table#members tbody tr").count()
        page.fill("input[name=q]", "红酒 & !lifecycle=left")
        page.click("#member-filter button[type=submit]")
        rows = page.locator("table#members tbody tr")
        assert 1 <= rows.count() < everyone and "红酒" in rows.first.inner_text()
        assert "已退群" not in page.inner_text("table#members")
        browse.shot(page, "members-filtered", viewport)
        page.fill("input[name=q]", "红酒 & (tier=high")
        page.click("#member-filter button[type=submit]")
        error = page.locator("#query-error")
        assert "查询有误（第" in error.inner_text() and error.locator("mark").count() == 1
        browse.shot(page, "members-bad-query", viewport)


def test_exports_download_and_open(browse: Any, live: LiveConsole, tmp_path: Path) -> None:
    page = logged_in(browse, live, ADMIN_A)
    page.goto(live.url(group_path(A, "/members?q=%E7%BA%A2%E9%85%92")))
    with page.expect_download() as got:
        page.click("#export-csv")
    body = Path(got.value.path()).read_bytes()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == "名字" and len(rows) > 1 and all("红酒" in r[-1] for r in rows[1:])
    with page.expect_download() as got:
        page.click("#export-xlsx")
    target = tmp_path / "members.xlsx"
    got.value.save_as(target)
    sheet = openpyxl.load_workbook(target).active
    assert sheet.cell(1, 1).value == "名字" and sheet.max_row == len(rows)


def test_a_member_form_with_a_wrong_csrf_token_is_refused(browse: Any, live: LiveConsole) -> None:
    page = logged_in(browse, live, ADMIN_A)
    page.goto(live.url(group_path(A, "/members/" + quote("generic:u-2", safe=""))))
    page.evaluate("document.querySelector('#tag-form input[name=csrf]').value = 'forged'")
    page.fill("#tag-form input[name=tag]", "伪造")
    page.click("#tag-form button[value=tag_add]")
    assert "请求被拒绝" in page.inner_text("main")
    page.goto(live.url(group_path(A, "/members/" + quote("generic:u-2", safe=""))))
    assert "伪造" not in page.inner_text("#tags")


def test_an_admin_of_a_cannot_open_the_pages_of_b(browse: Any, live: LiveConsole) -> None:
    page = logged_in(browse, live, ADMIN_A)
    for _name, rest, _marker, _drawn in PAGES:
        target = rest.replace("u-1", "u-11")
        response = page.goto(live.url(group_path(B, target)))
        assert response.status == 404 and "无法打开这个群" in page.inner_text("main"), rest
        assert NAMES[B] not in page.content()


def test_a_morning_time_set_in_the_console_is_what_the_scheduler_uses(browse: Any, live: LiveConsole) -> None:
    assert live.app is not None
    jobs = live.app[RUNTIME].jobs
    # Two minutes ago in the group's zone: the scheduler runs a fire time that passed within its grace.
    when = (datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(minutes=2)).strftime("%H:%M")
    page = logged_in(browse, live, ADMIN_A, "phone")
    page.goto(live.url(group_path(A, "/routine")))
    page.fill("#morning_report input[name=value]", when)
    page.click("#morning_report button[type=submit]")
    assert "已保存" in page.inner_text("main") and f"现在的时间：{when}" in page.inner_text("#morning_report")
    browse.shot(page, "routine-saved", "phone")
    installed = jobs.installed[(A, "morning_report")]
    assert installed.spec == when and installed.source == "chat"
    assert live.call(jobs.tick(A, "morning_report"))  # the run at the new time happens (once)
    assert not live.call(jobs.tick(A, "morning_report"))
