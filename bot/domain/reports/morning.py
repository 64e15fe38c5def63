"""The morning report: yesterday in numbers and its highlights (newcomers welcomed by mention, the most-replied-to
message, the best-answered question, streak milestones), today's activities, the news (queued items and the
group's sources, :mod:`bot.domain.reports.sources`), the check-in streaks and a 今日话题 from the group's rotating
list. Gather through the repo → build the template context (pure) → render.

It is posted to the whole group, so its tag line shows only public-safe tags (:mod:`bot.domain.tag_visibility`),
and a member's words are quoted only where ``[storage] store_text`` allows keeping them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from bot.core.config import Config, GroupConfig
from bot.core.events import display_name
from bot.core.outgoing import Mention
from bot.core.posting import mentions_for
from bot.core.render import Renderer
from bot.core.timeutil import day_minus, local_day, local_midnight
from bot.domain.reports.report import Report, weekday_names
from bot.domain.reports.sources import gather_news
from bot.domain.tag_visibility import public_tags
from storage.repo import Highlight, Repo, Window

STREAK_MARKS = (7, 14, 21, 30, 50, 100, 200, 365)  # days of check-ins in a row worth a line of their own
QUOTE_CHARS = 40
TAGS_SHOWN = 5


async def gather_morning(repo: Repo, group: GroupConfig, now: float, cfg: Config | None = None) -> dict[str, Any]:
    """The facts of the report. Without ``cfg`` no tag is known to be public, so the tag line stays empty."""
    cfg = cfg or Config()
    tz = group.timezone
    today = local_day(now, tz)
    yesterday = day_minus(today, 1)
    start, end = local_midnight(yesterday, tz), local_midnight(today, tz)
    weekday = date.fromisoformat(today).weekday()
    count, leaders = await repo.checkins.checkin_leaders(group.id, yesterday, day_minus(yesterday, 1))
    tags = await repo.reports.top_tags(group.id, start, end, 50)
    return {
        "today": today, "weekday": weekday,
        "window": await repo.reports.window(group.id, start, end),
        "tags": public_tags(cfg, tags, lambda t: t[0])[:TAGS_SHOWN],
        "activities": [(t, title) for _i, w, t, title in await repo.news.activities(group.id) if w == weekday],
        "news": await gather_news(repo, group, today),
        "checkins": count, "streaks": leaders,
        "milestones": await repo.highlights.streak_milestones(group.id, yesterday, STREAK_MARKS),
        "replied": await repo.highlights.most_replied(group.id, start, end),
        "answered": await repo.highlights.most_replied(group.id, start, end, questions_only=True),
        "quote": cfg.storage.store_text,
        "topics": group.topics,
    }


def _quote(text: str | None, allowed: bool) -> str:
    if not allowed or not text:
        return ""
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= QUOTE_CHARS else one_line[:QUOTE_CHARS] + "…"


def _highlight(h: Highlight | None, quote: bool) -> dict[str, Any] | None:
    if h is None:
        return None
    return {"name": display_name(h.name, h.member_id), "replies": h.replies, "quote": _quote(h.text, quote)}


def topic_of_day(topics: Sequence[str], today: str) -> str:
    """The day's 今日话题: the list in turn, one a day (the same all day, the next tomorrow)."""
    return topics[date.fromisoformat(today).toordinal() % len(topics)] if topics else ""


def build_morning(data: Mapping[str, Any], locale: str) -> tuple[dict[str, Any], list[Mention]]:
    """Pure: gathered facts → template context and the mentions it refers to."""
    w: Window = data["window"]
    mentions, tokens = mentions_for(w.joined[:20])
    quote = bool(data.get("quote"))
    replied, answered = _highlight(data.get("replied"), quote), _highlight(data.get("answered"), quote)
    if replied and answered and replied == answered:  # one message is not two highlights
        replied = None
    ctx = {
        "date": data["today"], "weekday": weekday_names(locale)[data["weekday"]],
        "messages": w.messages, "active": w.active_members, "joined": len(w.joined), "left": w.left,
        "welcome": tokens, "more_joined": max(0, len(w.joined) - len(tokens)),
        "tags": [{"name": t, "hits": h, "members": m} for t, h, m in data["tags"]],
        "replied": replied, "answered": answered,
        "milestones": [{"name": display_name(n, m), "streak": s} for m, n, s in data.get("milestones", ())],
        "activities": [{"time": t, "title": title} for t, title in data["activities"]],
        "news": [p.text for p in data["news"]],
        "checkins": data["checkins"],
        "streaks": [{"name": display_name(n, m), "streak": s} for m, n, s in data["streaks"]],
        "topic": topic_of_day(data.get("topics", ()), data["today"]),
    }
    return ctx, mentions


async def morning(repo: Repo, render: Renderer, group: GroupConfig, now: float, cfg: Config | None = None) -> Report:
    """The report as it would be posted now; pass ``cfg`` so tags the config marks public can be shown."""
    data = await gather_morning(repo, group, now, cfg)
    ctx, mentions = build_morning(data, group.locale)
    return Report(render("morning_report", group.locale, **ctx), mentions,
                  [p.news_id for p in data["news"] if p.news_id is not None], list(data["news"]))
