"""Segments and personas (``/console/groups/{group}/insights``): saved segments with their member counts
over the last four weeks, persona cards, and the associations table (support / confidence / lift).

All of it comes from the domain that ``/segment``, ``/persona`` and ``/insights`` answer from, through the
group's insights run (:mod:`bot.domain.insight_runs`: computed once per change of its inputs, each saved
segment counted once per run); a segment is saved the way ``/segment save`` saves it (a query that parses,
audited).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.domain import insight_runs, segments
from bot.faces.console import charts
from bot.faces.console.access import GroupView
from bot.faces.console.gate import api_group, page_group
from bot.faces.console.members_page import query_error
from bot.faces.console.service import CONSOLE, Console
from bot.faces.console.views import group_url, json_response


async def data(c: Console, group: GroupView, now: float) -> dict[str, Any]:
    """What the page shows (JSON-ready): each saved segment with its members now and at the end of each of
    the last four weeks, persona cards, associations and best hours."""
    saved = await c.repo.profiles.saved_segments(group.id)
    run = await insight_runs.latest(c.repo, c.config, group.id, now, c.pages.locale, list(saved.values()))
    counted = run["segments"]
    return {"segments": [{"name": name, "query": query, "members": counted[query][-1] if counted[query] else None,
                          "weekly": counted[query]} for name, query in saved.items()],
            "personas": run["personas"], "associations": run["associations"], "best_hours": run["best_hours"],
            "min_support": c.config.insights.min_support}


async def insights_page(request: web.Request) -> web.Response:
    """``GET …/insights``."""
    c = request.app[CONSOLE]
    who, group = await page_group(request)
    now = c.clock()
    d = await data(c, group, now)
    t = c.pages.t
    sparks = {s["name"]: charts.sparkline(s["weekly"], f"{s['name']} · {t['segment_trend']}") for s in d["segments"]}
    shares = {p["id"]: charts.bars([(x["tag"], round(x["share"] * 100)) for x in p["distinguishing"]],
                                   f"{p['name']} · {t['persona_distinguishing']}")
              for p in d["personas"] if p["distinguishing"]}
    return c.pages.response("insights", viewer=who, group=group, now=now, tab="insights",
                            title=t["tabs"]["insights"], d=d, sparks=sparks, shares=shares,
                            error=None, done=request.query.get("done", ""))


async def insights_json(request: web.Request) -> web.Response:
    """``GET /api/console/groups/{group}/insights``."""
    c = request.app[CONSOLE]
    return json_response(await data(c, await api_group(request), c.clock()))


async def save_segment(request: web.Request) -> web.Response:
    """``POST …/insights``: save a segment (``name``, ``query``) as ``/segment save`` does."""
    c = request.app[CONSOLE]
    who, group = await page_group(request)
    form = await request.post()
    name = " ".join(str(form.get("name", "")).split())[:40]
    query = str(form.get("query", "")).strip()
    now = c.clock()
    try:
        if not name:
            raise segments.QueryError("empty name", 1, "empty_name")
        segments.parse(query)
    except segments.QueryError as exc:
        d = await data(c, group, now)
        return c.pages.response("insights", status=400, viewer=who, group=group, now=now, tab="insights",
                                title=c.pages.t["tabs"]["insights"], d=d, sparks={}, shares={},
                                error=query_error(c.pages, query, exc), done="")
    await c.repo.profiles.save_segment(group.id, name, query, who.member_id, now)
    await c.audit(who.member_id, "console_segment_save", group.id, f"{name}: {query[:200]}")
    raise web.HTTPSeeOther(group_url(group.id, "/insights?done=1"))
