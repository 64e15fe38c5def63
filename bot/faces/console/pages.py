"""The overview page (社群矩阵): data from ``overview``, charts from ``charts``, words from the labels, and
never a group the viewer does not administer."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.domain.lifecycle import STAGES
from bot.faces.console import charts
from bot.faces.console.access import visible_groups
from bot.faces.console.overview import overview
from bot.faces.console.service import CONSOLE, viewer
from bot.faces.console.views import Pages, group_url


def _reason(pages: Pages, reason: dict[str, Any]) -> str:
    return str(pages.t["reasons"][reason["code"]]).format(value=reason["value"])


def _mix(pages: Pages, row: dict[str, Any]) -> list[tuple[str, str, int]]:
    return [(f"stage-{s}", str(pages.t["stages"][s]), int(row["lifecycle"][s])) for s in STAGES]


def _trend(pct: float | None) -> str:
    """The CSS class of a week-over-week change: ``up``, ``down`` or ``flat`` (also when unknown)."""
    return "flat" if pct is None or round(pct) == 0 else "up" if pct > 0 else "down"


def card(pages: Pages, row: dict[str, Any]) -> dict[str, Any]:
    """One overview row as the page shows it: words, formatted numbers and sparklines."""
    t, fmt = pages.t, pages.fmt
    return {
        "row": row, "url": group_url(row["id"]),
        "reasons": [_reason(pages, r) for r in row["attention"]["reasons"]],
        "change": fmt.change(row["week"]["messages_change"]),
        "trend": _trend(row["week"]["messages_change"]),
        "spark_members": charts.sparkline(row["members_by_day"], f"{row['name']} · {t['members_30d']}"),
        "spark_messages": charts.sparkline(row["messages"], f"{row['name']} · {t['messages_30d']}"),
        "spark_joins": charts.sparkline(row["joins"], f"{row['name']} · {t['joins_30d']}"),
        "spark_leaves": charts.sparkline(row["leaves"], f"{row['name']} · {t['leaves_30d']}"),
        "mix": charts.share_bar(_mix(pages, row), f"{row['name']} · {t['lifecycle_mix']}"),
        "mix_legend": [(css, name, n) for css, name, n in _mix(pages, row) if n],
    }


async def overview_page(request: web.Request) -> web.Response:
    """``GET /console/``: every group the viewer administers, what needs attention first."""
    c, who = request.app[CONSOLE], viewer(request)
    now = c.clock()
    groups = await visible_groups(c.config, c.repo, who.member_id)
    rows = await overview(c.config, c.repo, c.store, groups, now)
    return c.pages.response("overview", viewer=who, cards=[card(c.pages, r) for r in rows], now=now,
                            tz=c.config.defaults.timezone)
