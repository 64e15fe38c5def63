"""The console in a real browser (Debian's Chromium through Playwright): logging in with one-time links,
what an admin may open, CSRF, the overview's charts at desktop and phone width, and no console errors.
Every page is saved as a screenshot at both widths (see ``screenshots`` in conftest)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.faces.console.auth import COOKIE
from tests.faces.console._community import ADMIN_A, NAMES, NOBODY, ROOT, A, B, C
from tests.faces.console._live import LiveConsole, group_path, logged_in

pytestmark = pytest.mark.browser
WIDTHS = ("desktop", "phone")


def test_without_a_session_every_console_url_explains_how_to_log_in(browse: Any, live: LiveConsole) -> None:
    for viewport in WIDTHS:
        page = browse(viewport)
        for path in ("/console/", group_path(A), "/console/groups/x/members"):
            page.goto(live.url(path))
            assert page.url == live.url("/console/welcome")
        assert page.locator("h1").inner_text() == "登录社群控制台"
        assert "/后台" in page.inner_text("main") and "quntag console-link" in page.inner_text("main")
        browse.shot(page, "welcome", viewport)


def test_a_link_logs_in_once_with_an_httponly_lax_cookie(browse: Any, live: LiveConsole) -> None:
    link = live.link(ADMIN_A)
    page = browse()
    page.goto(link)
    assert page.url == live.url("/console/")
    (cookie,) = [c for c in page.context.cookies() if c["name"] == COOKIE]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and not cookie["secure"]
    assert page.evaluate("document.cookie") == ""  # out of reach of scripts
    again = browse()
    response = again.goto(link)
    assert response.status == 400 and "已经用过" in again.inner_text("main")
    assert again.url.startswith(live.url("/console/login"))
    for viewport in WIDTHS:
        failed = browse(viewport)
        failed.goto(link)
        browse.shot(failed, "link-used", viewport)


def test_expired_unknown_and_no_longer_admin_links_get_clear_pages(browse: Any, live: LiveConsole) -> None:
    link = live.link(ADMIN_A)
    live.offset = 10 * 60 + 1
    try:
        page = browse()
        assert page.goto(link).status == 400
        assert "已经过期" in page.inner_text("main")
    finally:
        live.offset = 0.0
    page.goto(live.url("/console/login?t=made-up"))
    assert "无效" in page.inner_text("main")
    page.goto(live.planted_link(NOBODY))
    assert "不是任何群的管理员" in page.inner_text("main")
    assert not [c for c in page.context.cookies() if c["name"] == COOKIE]
    page.click("text=如何获取登录链接")
    assert page.url == live.url("/console/welcome")


def test_an_admin_of_one_group_cannot_open_another(browse: Any, live: LiveConsole) -> None:
    for viewport in WIDTHS:
        page = logged_in(browse, live, ADMIN_A, viewport)
        assert NAMES[A] in page.inner_text("main")
        assert NAMES[B] not in page.content() and NAMES[C] not in page.content()
        page.click(f"text={NAMES[A]}")
        assert page.url == live.url(group_path(A))
        assert page.locator("svg.chart-bar").count() == 2 and page.locator("svg.chart-heat").count() == 1
        assert page.locator("#messages svg.chart-bar rect.bar").count() == 90
        browse.shot(page, "group", viewport)
        for other in (B, C):
            response = page.goto(live.url(group_path(other)))
            assert response.status == 404 and "无法打开这个群" in page.inner_text("main")
            assert NAMES[other] not in page.content()
        browse.shot(page, "group-not-yours", viewport)


def test_a_form_without_its_csrf_token_is_refused(browse: Any, live: LiveConsole) -> None:
    for viewport in WIDTHS:
        page = logged_in(browse, live, ADMIN_A, viewport)
        assert page.request.post(live.url("/console/logout"), max_redirects=0).status == 403
        page.evaluate("document.querySelectorAll('input[name=csrf]').forEach(i => i.remove())")
        page.click("#logout")
        assert "请求被拒绝" in page.inner_text("main")
        browse.shot(page, "csrf-refused", viewport)
    page.goto(live.url("/console/"))
    assert page.url == live.url("/console/")  # still logged in: nothing happened
    page.click("#logout")
    assert page.url == live.url("/console/welcome?bye=1") and "你已退出登录" in page.inner_text("main")
    page.goto(live.url("/console/"))
    assert page.url == live.url("/console/welcome")


def test_the_overview_shows_every_group_with_charts_and_attention_first(browse: Any, live: LiveConsole) -> None:
    for viewport in WIDTHS:
        page = logged_in(browse, live, ROOT, viewport)
        cards = page.locator("article.card")
        assert cards.count() == 3
        assert cards.nth(0).get_attribute("data-group") == NAMES[A]
        assert "退群比入群多" in cards.nth(0).inner_text()
        assert page.locator("svg.chart-sparkline").count() == 12 and page.locator("svg.chart-share").count() == 3
        assert page.locator("svg.chart-sparkline polyline").first.get_attribute("points")
        assert "当地时间" in page.inner_text("main") and "月" in cards.nth(0).locator(".clock").inner_text()
        browse.shot(page, "overview", viewport)


def test_the_overview_fits_a_phone(browse: Any, live: LiveConsole) -> None:
    page = logged_in(browse, live, ROOT, "phone")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    boxes = [page.locator("article.card").nth(i).bounding_box() for i in range(3)]
    assert len({round(b["x"]) for b in boxes}) == 1  # one column
    assert all(b["width"] <= 390 for b in boxes)
    spark = page.locator("svg.chart-sparkline").first.bounding_box()
    assert 40 <= spark["width"] <= 390
