"""One member's page (``/console/groups/{group}/members/{member}``), its JSON, and the admin's actions on it:
give or take away a tag, set or clear an attribute, forget the member (after a confirmation page).

Every view of the page and every change is written to the audit log; changes go through the same domain
and storage calls the chat commands use (``/tag``, ``/attr``, ``/forget``).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.core.timeutil import parse_iso
from bot.domain import manual_tags
from bot.domain.profiles.shown import category_label
from bot.faces.console import charts
from bot.faces.console.access import GroupView
from bot.faces.console.gate import api_group, page_group
from bot.faces.console.member import find, profile_data
from bot.faces.console.service import CONSOLE, Console, Viewer
from bot.faces.console.views import Pages, group_url, json_response, member_url

MAX_TEXT = 60  # a tag name, an attribute key or value typed into the form


def _charts(pages: Pages, group: GroupView, d: dict[str, Any]) -> dict[str, Any]:
    t = pages.t
    scores = d["scores"]
    labels = [pages.fmt.when(parse_iso(a), group.timezone).split(" ")[0] for a in scores["at"]]
    name = d["profile"]["name"]
    chart = charts.line_chart(labels, [(s["tag"], s["scores"]) for s in scores["tags"][:5]],
                              f"{name} · {t['score_history']}") if scores["tags"] else None
    days = {c["day"] for c in d["checkins"]["days"]}
    return {"score_chart": chart, "checkin_days": len(days)}


async def _member(request: web.Request) -> tuple[Console, Viewer, GroupView, str]:
    c = request.app[CONSOLE]
    who, group = await page_group(request)
    return c, who, group, request.match_info["member"]


async def member_page(request: web.Request) -> web.Response:
    """``GET …/members/{member}``: the profile (audited as a lookup, like ``/why`` and the API's)."""
    c, who, group, member = await _member(request)
    now = c.clock()
    p = await find(c.config, c.repo, group.id, member, now)
    if p is None:
        t = c.pages.t
        return c.pages.message(404, t["no_member_title"], [t["no_member_text"]], viewer=who,
                               link=(group_url(group.id, "/members"), t["back_members"]))
    d = await profile_data(c.config, c.repo, c.store, group, p, now)
    await c.audit(who.member_id, "console_view_member", group.id, member)
    return c.pages.response("member", viewer=who, group=group, now=now, tab="members", title=d["profile"]["name"],
                            d=d, member=member, done=request.query.get("done", ""), category=category_label,
                            stage_names=c.pages.t["stages"], **_charts(c.pages, group, d))


async def member_json(request: web.Request) -> web.Response:
    """``GET /api/groups/{group}/members/{member}/console``: the member page's data (audited)."""
    c = request.app[CONSOLE]
    group = await api_group(request)
    member = request.match_info["member"]
    now = c.clock()
    p = await find(c.config, c.repo, group.id, member, now)
    if p is None:
        return json_response({"error": f"unknown member {member} in group {group.id}"}, 404)
    await c.repo.privacy.audit("api", "lookup", group.id, member)
    return json_response(await profile_data(c.config, c.repo, c.store, group, p, now))


def _field(form: Any, key: str) -> str:
    return " ".join(str(form.get(key, "")).split())[:MAX_TEXT]


def _back(group: GroupView, member: str, done: str) -> web.HTTPSeeOther:
    return web.HTTPSeeOther(member_url(group.id, member, f"?done={done}"))


async def member_action(request: web.Request) -> web.Response:
    """``POST …/members/{member}`` with ``action`` = ``tag_add`` | ``tag_reject`` | ``attr_set`` | ``attr_clear``."""
    c, who, group, member = await _member(request)
    form = await request.post()
    action = str(form.get("action", ""))
    now = c.clock()
    if await find(c.config, c.repo, group.id, member, now) is None:
        raise web.HTTPNotFound()
    if action in ("tag_add", "tag_reject"):
        name = _field(form, "tag")
        if not name:
            raise _back(group, member, "missing")
        if action == "tag_add":
            await manual_tags.give(c.repo, c.config, group.id, member, name, who.member_id, now)
        else:
            await manual_tags.take(c.repo, group.id, member, name, now)
        await c.audit(who.member_id, "console_tag", group.id, f"{member}: {'+' if action == 'tag_add' else '-'}{name}")
    elif action in ("attr_set", "attr_clear"):
        key, value = _field(form, "key"), _field(form, "value")
        if not key or (action == "attr_set" and not value):
            raise _back(group, member, "missing")
        await c.repo.tags.set_attribute(group.id, member, key, value if action == "attr_set" else None, "manual", now)
        await c.audit(who.member_id, "console_attr_set" if action == "attr_set" else "console_attr_clear",
                      group.id, f"{member}: {key}")
    else:
        raise web.HTTPBadRequest()
    raise _back(group, member, action)


async def forget_page(request: web.Request) -> web.Response:
    """``GET …/members/{member}/forget``: what forgetting erases, and the button that does it."""
    c, who, group, member = await _member(request)
    p = await find(c.config, c.repo, group.id, member, c.clock())
    if p is None:
        raise web.HTTPNotFound()
    return c.pages.response("forget", viewer=who, group=group, now=c.clock(), tab="members", title=p.name or member,
                            member=member, who_name=p.name or member)


async def forget(request: web.Request) -> web.Response:
    """``POST …/members/{member}/forget`` with ``confirm`` = ``yes``: erase the member in this group (as
    ``/forget 确认`` does for oneself), then back to the members list."""
    c, who, group, member = await _member(request)
    form = await request.post()
    if str(form.get("confirm", "")) != "yes":
        raise web.HTTPSeeOther(member_url(group.id, member, "/forget"))
    removed = await c.repo.privacy.forget_member(group.id, member, actor=f"console:{who.member_id}")
    await c.audit(who.member_id, "console_forget", group.id, f"{member}: {sum(removed.values())} rows")
    t = c.pages.t
    return c.pages.message(200, t["forgotten_title"], [t["forgotten_text"]], viewer=who,
                           link=(group_url(group.id, "/members"), t["back_members"]))
