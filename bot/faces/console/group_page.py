"""The group dashboard page (``/console/groups/{group}``) and its JSON: the dashboard data drawn as SVG."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.domain.lifecycle import STAGES
from bot.domain.tiers import TIERS
from bot.faces.console import charts
from bot.faces.console.access import GroupView
from bot.faces.console.dashboard import BadDates, dashboard
from bot.faces.console.gate import api_group, page_group
from bot.faces.console.service import CONSOLE
from bot.faces.console.views import Pages, json_response


def _week_label(pages: Pages, first_day: str) -> str:
    return pages.fmt.day(first_day)


def drawn(pages: Pages, group: GroupView, d: dict[str, Any]) -> dict[str, Any]:
    """The dashboard's charts and words, from its data."""
    t, fmt = pages.t, pages.fmt
    days = [fmt.day(x) for x in d["days"]]
    stage, tier = t["stages"], t["tiers"]
    flow = d["flow"]
    trend = d["tags"]["trend"]
    return {
        "messages_chart": charts.bar_chart(days, d["messages"], f"{group.name} · {t['messages_per_day_90']}"),
        "members_chart": charts.line_chart(days, [(str(t["members"]), d["members_by_day"])],
                                           f"{group.name} · {t['members_over_time']}"),
        "heat_chart": charts.heat_map(list(t["weekdays"]), [f"{h}" for h in range(24)], d["heat_map"],
                                      f"{group.name} · {t['heat_map']}"),
        "flow_rows": [(stage[m["from"]] if m["from"] else t["not_seen"], stage[m["to"]] if m["to"] else t["not_seen"],
                       m["members"], m["from"] != m["to"]) for m in flow["moves"]],
        "flow_before": charts.share_bar([(f"stage-{s}", str(stage[s]), flow["before"][s]) for s in STAGES],
                                        f"{t['flow']} · {flow['from']}"),
        "flow_after": charts.share_bar([(f"stage-{s}", str(stage[s]), flow["after"][s]) for s in STAGES],
                                       f"{t['flow']} · {flow['to']}"),
        "stage_legend": [(f"stage-{s}", stage[s]) for s in STAGES],
        "tags_chart": charts.bars([(x["tag"], x["hits"]) for x in d["tags"]["top"]], f"{group.name} · {t['top_tags']}"),
        "trend_chart": charts.line_chart([_week_label(pages, w) for w in d["tags"]["weeks"]],
                                         [(x["tag"], x["weekly_hits"]) for x in trend],
                                         f"{group.name} · {t['tag_trend']}") if trend else None,
        "tiers_chart": charts.bars([(str(tier[k]), d["tiers"][k]) for k in TIERS],
                                   f"{group.name} · {t['tiers_title']}"),
        "hours_chart": charts.bar_chart([f"{h}:00" for h in range(24)], d["hours"],
                                        f"{group.name} · {t['push_hours']}"),
        "best_hours": "、".join(f"{h}:00" for h in d["best_hours"]) if pages.locale != "en"
        else ", ".join(f"{h}:00" for h in d["best_hours"]),
    }


async def dashboard_page(request: web.Request) -> web.Response:
    """``GET /console/groups/{group}[?from=YYYY-MM-DD&to=YYYY-MM-DD]``: the dashboard."""
    c = request.app[CONSOLE]
    who, group = await page_group(request)
    now = c.clock()
    q = request.query
    error = None
    try:
        d = await dashboard(c.config, c.repo, c.store, group, now, q.get("from") or None, q.get("to") or None)
    except BadDates as exc:
        error = c.pages.t["form_errors"][exc.code]
        d = await dashboard(c.config, c.repo, c.store, group, now)
    return c.pages.response("dashboard", viewer=who, group=group, now=now, d=d, error=error, tab="dashboard",
                            **drawn(c.pages, group, d))


async def dashboard_json(request: web.Request) -> web.Response:
    """``GET /api/groups/{group}/dashboard[?from=&to=]``: the dashboard's data (400 for bad dates)."""
    c = request.app[CONSOLE]
    group = await api_group(request)
    try:
        d = await dashboard(c.config, c.repo, c.store, group, c.clock(), request.query.get("from") or None,
                            request.query.get("to") or None)
    except BadDates as exc:
        return json_response({"error": "from and to must be ISO dates (YYYY-MM-DD), from not after to",
                              "code": exc.code}, 400)
    return json_response(d)
