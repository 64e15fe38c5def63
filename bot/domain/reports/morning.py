"""The morning report: yesterday in numbers, newcomers welcomed by mention, today's activities, queued news
and the check-in streaks. Gather through the repo → build the template context (pure) → render."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.core.config import GroupConfig
from bot.core.events import display_name
from bot.core.outgoing import Mention
from bot.core.posting import mentions_for
from bot.core.render import Renderer
from bot.core.timeutil import day_minus, local_day, local_midnight
from bot.domain.reports.report import Report, weekday_names
from storage.repo import Repo, Window


async def gather_morning(repo: Repo, group: GroupConfig, now: float) -> dict[str, Any]:
    tz = group.timezone
    today = local_day(now, tz)
    yesterday = day_minus(today, 1)
    start, end = local_midnight(yesterday, tz), local_midnight(today, tz)
    weekday = date.fromisoformat(today).weekday()
    count, leaders = await repo.checkins.checkin_leaders(group.id, yesterday, day_minus(yesterday, 1))
    return {
        "today": today, "weekday": weekday,
        "window": await repo.reports.window(group.id, start, end),
        "tags": await repo.reports.top_tags(group.id, start, end, 5),
        "activities": [(t, title) for _i, w, t, title in await repo.news.activities(group.id) if w == weekday],
        "news": await repo.news.pending_news(group.id),
        "checkins": count, "streaks": leaders,
    }


def build_morning(data: Mapping[str, Any], locale: str) -> tuple[dict[str, Any], list[Mention]]:
    """Pure: gathered facts → template context and the mentions it refers to."""
    w: Window = data["window"]
    mentions, tokens = mentions_for(w.joined[:20])
    ctx = {
        "date": data["today"], "weekday": weekday_names(locale)[data["weekday"]],
        "messages": w.messages, "active": w.active_members, "joined": len(w.joined), "left": w.left,
        "welcome": tokens, "more_joined": max(0, len(w.joined) - len(tokens)),
        "tags": [{"name": t, "hits": h, "members": m} for t, h, m in data["tags"]],
        "activities": [{"time": t, "title": title} for t, title in data["activities"]],
        "news": [text for _i, text in data["news"]],
        "checkins": data["checkins"],
        "streaks": [{"name": display_name(n, m), "streak": s} for m, n, s in data["streaks"]],
    }
    return ctx, mentions


async def morning(repo: Repo, render: Renderer, group: GroupConfig, now: float) -> Report:
    data = await gather_morning(repo, group, now)
    ctx, mentions = build_morning(data, group.locale)
    return Report(render("morning_report", group.locale, **ctx), mentions, [i for i, _t in data["news"]])
