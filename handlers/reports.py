"""The morning report and the weekly digest as scheduled jobs: when they fire and where they are posted.

What they say is built in :mod:`bot.domain.reports`; this module only delivers it.
"""

from __future__ import annotations

import json
from datetime import date

from bot.core.config import GroupConfig
from bot.core.context import Context
from bot.core.events import ChatRef, UserRef
from bot.core.jobs import ScheduledJob
from bot.core.posting import post
from bot.core.timeutil import local_day
from bot.domain import group_settings, push_slots, pushes
from bot.domain.hours import push_time
from bot.domain.reports import matrix_rows, morning, weekly
from bot.domain.reports.sources import mark_used

MEASURED_S = 8 * 7 * 86400.0


async def send_morning(ctx: Context, group: GroupConfig) -> None:
    """The scheduled morning report: post in the group and mark the news items it carried as used."""
    report = await morning(ctx.repo, ctx.render, group, ctx.clock(), ctx.config)
    await post(ctx, ChatRef.of(group.id), report.text, report.mentions)
    await mark_used(ctx.repo, group.id, report.news)
    await pushes.record(ctx.repo, group.id, "morning_report", ctx.clock(), group.timezone)


async def send_weekly(ctx: Context, group: GroupConfig) -> None:
    """Privately to each admin who can be reached; else to the group without the management sections."""
    now = ctx.clock()
    admins = [UserRef.of(a) for a in await group_settings.digest_recipients(ctx.repo, group) if ":" in a]
    reachable = [a for a in admins if ctx.can_dm(a)]
    chat = ChatRef.of(group.id)
    if reachable:
        matrix = await matrix_rows(ctx.repo, ctx.config, now) if len(ctx.config.groups) > 1 else []
        report = await weekly(ctx.repo, ctx.render, ctx.config, group, now, matrix=matrix,
                              visibility=ctx.visibility(chat))
        for a in reachable:
            await post(ctx, a, report.text)
        return
    report = await weekly(ctx.repo, ctx.render, ctx.config, group, now, public=True, visibility=ctx.visibility(chat))
    await post(ctx, chat, report.text)


def _week_of(day: str) -> str:
    y, w, _d = date.fromisoformat(day).isocalendar()
    return f"{y}-W{w:02d}"


async def auto_push_time(ctx: Context, group: GroupConfig) -> str:
    """The group's morning time inside its morning window. Once morning reports have been measured, one slot
    is picked per day by Thompson sampling over their response (:mod:`bot.domain.push_slots`); before that,
    the busiest hour inside the window, computed once per ISO week (so it only changes on Mondays). The
    stored value remembers the window it was chosen in, so a changed window applies at once; why the slot
    was chosen is kept for ``/早报``."""
    now = ctx.clock()
    day = local_day(now, group.timezone)
    start, end = group.morning_auto_window
    stored = await ctx.repo.settings.setting(group.id, "auto:push_time")
    if stored is not None and stored[1] == f"{day} {start}-{end}":
        return stored[0]
    slots = push_slots.window_slots(group.morning_auto_window)
    measured = await _measured_slots(ctx, group, now)
    if slots and measured:
        choice = push_slots.choose(slots, measured, f"{group.id}:{day}")
        why = {"reason": choice.reason, "slot": choice.slot, "posts": choice.posts, "rate": _pct(choice.rate),
               "best": choice.best_slot, "best_rate": _pct(choice.best_rate)}
        await ctx.repo.settings.set_setting(group.id, "auto:push_time", choice.slot, f"{day} {start}-{end}")
        await ctx.repo.settings.set_setting(group.id, "auto:push_why", json.dumps(why))
        return choice.slot
    stamp = f"{_week_of(day)} {start}-{end}"
    if stored is not None and stored[1] == stamp:
        return stored[0]
    value = push_time(await ctx.repo.reports.group_hours(group.id), window=group.morning_auto_window)
    await ctx.repo.settings.set_setting(group.id, "auto:push_time", value, stamp)
    await ctx.repo.settings.set_setting(group.id, "auto:push_why", json.dumps({"reason": "busiest", "slot": value}))
    return value


def _pct(rate: float | None) -> int:
    return round((rate or 0.0) * 100)


async def _measured_slots(ctx: Context, group: GroupConfig, now: float) -> dict[str, tuple[int, int, int]]:
    """(posts, members, responders) per slot over the measured morning reports of the last eight weeks."""
    out: dict[str, tuple[int, int, int]] = {}
    for r in await pushes.results(ctx.repo, group.id, now - MEASURED_S, now, ("morning_report",)):
        if r.at + pushes.WINDOW_S > now or not r.measured.members:
            continue
        p, m, n = out.get(r.slot, (0, 0, 0))
        out[r.slot] = (p + 1, m + r.measured.members, n + r.measured.responders)
    return out


async def push_why(ctx: Context, group: GroupConfig) -> str:
    """Why the automatic morning time is what it is (empty before it was first chosen)."""
    raw = await ctx.repo.settings.setting_value(group.id, "auto:push_why")
    if not raw:
        return ""
    why = json.loads(raw)
    return ctx.render("push_slot", group.locale, reason=why.get("reason", "busiest"), slot=why.get("slot", ""),
                      posts=why.get("posts", 0), rate=why.get("rate", 0), best=why.get("best", ""),
                      best_rate=why.get("best_rate", 0))


async def morning_text(ctx: Context, group: GroupConfig) -> str:
    """The morning report as it would be posted now (``quntag report morning``)."""
    return (await morning(ctx.repo, ctx.render, group, ctx.clock(), ctx.config)).plain()


async def weekly_text(ctx: Context, group: GroupConfig) -> str:
    """The weekly digest as admins would get it now (``quntag report weekly``)."""
    return (await weekly(ctx.repo, ctx.render, ctx.config, group, ctx.clock(),
                         visibility=ctx.visibility(ChatRef.of(group.id)))).plain()


MORNING_REPORT = ScheduledJob("morning_report", send_morning, config_key="morning_report", default=auto_push_time,
                              command="morning", preview=morning_text)
WEEKLY_DIGEST = ScheduledJob("weekly_digest", send_weekly, config_key="weekly_digest", default="mon 09:00",
                             command="weekly", preview=weekly_text)
