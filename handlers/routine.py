"""Jobs checked every minute per group: activity reminders, real-time alerts, entry-gate timeouts."""

from __future__ import annotations

import logging
from datetime import date, datetime

from bot.core.config import GroupConfig
from bot.core.context import Context
from bot.core.events import ChatRef, display_name
from bot.core.jobs import Jobs, MinuteJob
from bot.core.posting import notify_admins, post
from bot.core.scheduler import parse_hhmm
from bot.core.timeutil import day_plus, local_day, local_midnight, zone
from bot.domain import profiles, pushes
from bot.domain.recompute import core_members
from bot.domain.reports import group_title

log = logging.getLogger("quntag.jobs")
REMIND_BEFORE_S = 3600.0


def chat_of(group: GroupConfig) -> ChatRef:
    return ChatRef.of(group.id)


def occurrence(day: str, hhmm: str, tz: str) -> float:
    """Unix seconds of the local wall-clock time ``hhmm`` on ``day`` (correct on DST change days)."""
    h, m = parse_hhmm(hhmm)
    d = date.fromisoformat(day)
    return datetime(d.year, d.month, d.day, h, m, tzinfo=zone(tz)).timestamp()


async def remind_activities(jobs: Jobs, ctx: Context, group: GroupConfig) -> None:
    """An hour before each weekly activity, remind the group (once per occurrence)."""
    now = ctx.clock()
    today = local_day(now, group.timezone)
    for act_id, weekday, hhmm, title in await ctx.repo.news.activities(group.id):
        for day in (today, day_plus(today, 1)):
            if date.fromisoformat(day).weekday() != weekday:
                continue
            at = occurrence(day, hhmm, group.timezone)
            if not (at - REMIND_BEFORE_S <= now < at):
                continue

            async def remind(c: Context, g: GroupConfig, title: str = title, hhmm: str = hhmm) -> None:
                await post(c, chat_of(g), c.render("ops", g.locale, kind="activity_reminder", title=title,
                                                   time=hhmm))
                await pushes.record(c.repo, g.id, "activity_reminder", c.clock(), g.timezone)
            await jobs.run(group, f"remind:{act_id}", at, remind)


async def alerts(jobs: Jobs, ctx: Context, group: GroupConfig) -> None:
    cfg = ctx.config.alerts
    now = ctx.clock()
    budget = cfg.max_per_hour
    if cfg.unanswered_minutes > 0:
        for mid, member, name, at, excerpt in await ctx.repo.questions.open_questions(
                group.id, now - cfg.unanswered_minutes * 60, now - 86400):
            if await ctx.repo.questions.claim_alert(group.id, "unanswered", mid, budget):
                await notify_admins(ctx, group, ctx.render(
                    "alert", group.locale, kind="unanswered", group=await group_title(ctx.repo, group),
                    name=display_name(name, member), minutes=int((now - at) // 60), excerpt=excerpt or ""))
    if cfg.complaint_burst > 0 and cfg.complaint_tags:
        window = cfg.complaint_window_minutes * 60
        n = await ctx.repo.reports.tag_hits_between(group.id, cfg.complaint_tags, now - window, now)
        if n >= cfg.complaint_burst and await ctx.repo.questions.claim_alert(group.id, "complaints",
                                                                             str(int(now // window)), budget):
            await notify_admins(ctx, group, ctx.render(
                "alert", group.locale, kind="complaints", group=await group_title(ctx.repo, group), count=n,
                minutes=cfg.complaint_window_minutes, tags="、".join(cfg.complaint_tags)))
    today = local_day(now, group.timezone)
    await jobs.run(group, "alert:core_declining", local_midnight(today, group.timezone), core_declining)


async def core_declining(ctx: Context, group: GroupConfig) -> None:
    """Once a day: alert about core members who are now declining (once per member per week)."""
    now = ctx.clock()
    today = local_day(now, group.timezone)
    core = await core_members(ctx.repo, ctx.config, group.id)
    if not core:
        return
    week = date.fromisoformat(today).isocalendar()
    for p in await profiles.load(ctx.repo, ctx.config, group.id, sorted(core), now, fresh=False):
        if p.lifecycle != "declining":
            continue
        if await ctx.repo.questions.claim_alert(group.id, "core_declining", f"{p.member}:{week[0]}-{week[1]}",
                                                ctx.config.alerts.max_per_hour):
            await notify_admins(ctx, group, ctx.render(
                "alert", group.locale, kind="core_declining", group=await group_title(ctx.repo, group),
                name=display_name(p.name, p.member)))


ACTIVITY_REMINDERS = MinuteJob("activity_reminders", remind_activities)
ALERTS = MinuteJob("alerts", alerts)
