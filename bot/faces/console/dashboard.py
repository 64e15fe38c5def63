"""A group's dashboard data: 90 days of messages and members, the weekday × hour heat map, the lifecycle
flow between two dates, top tags and their weekly trend, tiers, unanswered questions and best push hours.

Everything is read through storage and the domain (the same rules the chat commands and reports use) and
comes out JSON-ready, so the page and ``GET /api/groups/{group}/dashboard`` show the same numbers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.core.config import Config
from bot.core.timeutil import day_minus, iso_utc, local_day
from bot.domain.hours import busiest_hours
from bot.domain.lifecycle import STAGES
from bot.domain.recompute import ensure_fresh
from bot.domain.tiers import TIERS
from bot.faces.console.access import GroupView
from bot.faces.console.overview import build_row, gather
from bot.faces.console.stages import stage_counts, stages_at_end_of, stages_now
from storage.repo import Repo
from storage.repo.stores.console import ConsoleStore

SPAN = 90  # days of messages and members
FLOW_DEFAULT = 30  # the flow compares today with this many days ago unless the form says otherwise
TAG_WEEKS = 8
TOP_TAGS = 8
TREND_TAGS = 4
QUESTION_DAYS = 7
DAY_S = 86400.0


class BadDates(ValueError):
    """Flow dates that are not ISO dates, or in the wrong order; ``code`` names which for the page."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def flow_dates(today: str, start: str | None, end: str | None) -> tuple[str, str]:
    """The two dates a flow compares: the form's, else ``FLOW_DEFAULT`` days ago and today."""
    try:
        a = date.fromisoformat(start).isoformat() if start else day_minus(today, FLOW_DEFAULT)
        b = date.fromisoformat(end).isoformat() if end else today
    except ValueError:
        raise BadDates("bad_date") from None
    if a > b:
        raise BadDates("dates_order")
    return a, min(b, today)


def heat_map(cells: list[tuple[str, int, int]]) -> list[list[int]]:
    """7 rows (Monday first) × 24 local hours of messages."""
    grid = [[0] * 24 for _ in range(7)]
    for day, hour, n in cells:
        grid[date.fromisoformat(day).weekday()][hour] += n
    return grid


def flow(before: Mapping[str, str], after: Mapping[str, str], start: str, end: str) -> dict[str, Any]:
    """Members by (stage at the end of ``start``, stage at the end of ``end``); ``null`` = not yet seen."""
    moves: Counter[tuple[str | None, str | None]] = Counter()
    for member, stage_then in after.items():
        moves[(before.get(member), stage_then)] += 1
    order = {s: i for i, s in enumerate(STAGES)}
    rows = sorted(((a, b, n) for (a, b), n in moves.items() if a is not None or b is not None),
                  key=lambda r: (order.get(r[0] or "", -1), order.get(r[1] or "", -1)))
    return {"from": start, "to": end, "moves": [{"from": a, "to": b, "members": n} for a, b, n in rows],
            "before": {s: sum(n for a, _b, n in rows if a == s) for s in STAGES},
            "after": {s: sum(n for _a, b, n in rows if b == s) for s in STAGES}}


async def tag_trends(repo: Repo, store: ConsoleStore, group: GroupView, now: float) -> dict[str, Any]:
    """The most hit tags of the last 30 days, and hits of the first few in each of the last ``TAG_WEEKS``
    seven-day windows (oldest first, the last one ending now; labelled by the local day each begins)."""
    top = await repo.reports.top_tags(group.id, now - 30 * DAY_S, now, TOP_TAGS)
    start = now - TAG_WEEKS * 7 * DAY_S
    trend = {name: [0] * TAG_WEEKS for name, _h, _m in top[:TREND_TAGS]}
    for name, week, n in await store.tag_weeks(group.id, list(trend), start, now, 7 * DAY_S):
        if name in trend and 0 <= week < TAG_WEEKS:
            trend[name][week] += n
    weeks = [local_day(start + i * 7 * DAY_S, group.timezone) for i in range(TAG_WEEKS)]
    return {"top": [{"tag": n, "hits": h, "members": m} for n, h, m in top], "weeks": weeks,
            "trend": [{"tag": n, "weekly_hits": v} for n, v in trend.items()]}


async def tiers(repo: Repo, store: ConsoleStore, cfg: Config, group_id: str, now: float) -> dict[str, int]:
    """Members per value tier (the recompute's, as ``/tier`` shows them)."""
    await ensure_fresh(repo, cfg, group_id, now)
    counts = await store.tier_counts(group_id)
    return {t: counts.get(t, 0) for t in TIERS}


async def unanswered(repo: Repo, cfg: Config, group: GroupView, now: float) -> list[dict[str, Any]]:
    """Questions of the last week nobody answered within ``[alerts] unanswered_minutes`` (newest first)."""
    found = await repo.questions.open_questions(group.id, now - cfg.alerts.unanswered_minutes * 60,
                                                now - QUESTION_DAYS * DAY_S)
    return [{"message": mid, "member": member, "name": name or member.partition(":")[2], "at": iso_utc(at),
             "excerpt": excerpt} for mid, member, name, at, excerpt in sorted(found, key=lambda q: -q[3])]


async def dashboard(cfg: Config, repo: Repo, store: ConsoleStore, group: GroupView, now: float,
                    start: str | None = None, end: str | None = None) -> dict[str, Any]:
    """Everything the dashboard shows (raises :class:`BadDates` for a bad flow form)."""
    today = local_day(now, group.timezone)
    a, b = flow_dates(today, start, end)
    current = await stages_now(cfg, repo, store, group.id, now)
    before, after = [current if day == today else await stages_at_end_of(cfg, repo, store, group.id, day, now)
                     for day in (a, b)]
    row = build_row(await gather(cfg, repo, store, group, now, span=SPAN, mix=stage_counts(current)))
    hours = await repo.reports.group_hours(group.id)
    return {
        "id": group.id, "name": group.name, "timezone": group.timezone, "generated_at": iso_utc(now),
        "days": row["days"], "messages": row["messages"], "members_by_day": row["members_by_day"],
        "joins": row["joins"], "leaves": row["leaves"], "members": row["members"], "lifecycle": row["lifecycle"],
        "heat_map": heat_map(await store.messages_by_day_hour(group.id, row["days"][0])),
        "flow": flow(before, after, a, b),
        "tags": await tag_trends(repo, store, group, now),
        "tiers": await tiers(repo, store, cfg, group.id, now),
        "unanswered": await unanswered(repo, cfg, group, now),
        "best_hours": busiest_hours(hours), "hours": hours,
    }
