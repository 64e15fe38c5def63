"""The morning report and the weekly digest as scheduled jobs: when they fire and where they are posted.

What they say is built in :mod:`bot.domain.reports`; this module only delivers it.
"""

from __future__ import annotations

from datetime import date

from bot.core.config import GroupConfig
from bot.core.context import Context
from bot.core.events import ChatRef, UserRef
from bot.core.jobs import ScheduledJob
from bot.core.posting import post
from bot.core.timeutil import local_day
from bot.domain import group_settings
from bot.domain.hours import push_time
from bot.domain.reports import matrix_rows, morning, weekly
from bot.domain.reports.sources import mark_used


async def send_morning(ctx: Context, group: GroupConfig) -> None:
    """The scheduled morning report: post in the group and mark the news items it carried as used."""
    report = await morning(ctx.repo, ctx.render, group, ctx.clock(), ctx.config)
    await post(ctx, ChatRef.of(group.id), report.text, report.mentions)
    await mark_used(ctx.repo, group.id, report.news)


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
    """The group's best push time inside its morning window, computed once per ISO week (so it only changes on
    Mondays). The stored value remembers the window it was chosen in, so a changed window applies at once."""
    week = _week_of(local_day(ctx.clock(), group.timezone))
    start, end = group.morning_auto_window
    stamp = f"{week} {start}-{end}"
    stored = await ctx.repo.settings.setting(group.id, "auto:push_time")
    if stored is not None and stored[1] == stamp:
        return stored[0]
    value = push_time(await ctx.repo.reports.group_hours(group.id), window=group.morning_auto_window)
    await ctx.repo.settings.set_setting(group.id, "auto:push_time", value, stamp)
    return value


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
