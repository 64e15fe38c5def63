"""When the morning report and the weekly digest go out, changed in chat: ``/早报`` and ``/周报`` show the
effective time, set it (``off``, ``reset``, ``HH:MM``, ``mon 09:00`` or a crontab) and preview the report."""

from __future__ import annotations

from bot.core.arguments import Text
from bot.core.commands import INVOCATION, CommandSpec, Sub, bare
from bot.core.context import Context
from bot.core.events import Message
from bot.core.jobs import ScheduledJob, effective, schedule_key
from bot.core.posting import post
from bot.core.routing import Router
from bot.core.scheduler import ScheduleError, parse_schedule
from bot.domain import reports as report_texts
from handlers import reports

SCHEDULE = Text("08:00", "08:00")
MORNING = CommandSpec("morning", ("早报",), "早报的时间和预览", admin=True, subs=(
    bare("show", "查看早报时间"),
    Sub("preview", ("预览", "看看"), "在群里预览今天的早报"),
    Sub("time", ("时间", "设置", "set"), "设置早报时间，如 07:00、早上7点；写 关闭 停发，写 恢复 用回配置文件的时间",
        (SCHEDULE,)),
))
DIGEST = CommandSpec("digest", ("周报",), "周报的时间和预览", admin=True, subs=(
    bare("show", "查看周报时间"),
    Sub("preview", ("预览", "看看"), "在群里预览周报（不含管理部分）"),
    Sub("time", ("时间", "设置", "set"), "设置周报时间，如 周一 09:00；写 关闭 停发，写 恢复 用回配置文件的时间",
        (SCHEDULE,)),
))


async def _schedule_command(ctx: Context[Message], scheduled: ScheduledJob) -> None:
    ev = ctx.event
    assert ctx.group is not None
    group, job = ctx.group, scheduled.name
    sub = ctx.data[INVOCATION].sub
    if sub is None or sub.name == "show":
        eff = await effective(ctx, group, scheduled)
        shown = ctx.render("ops", ctx.locale, kind="schedule_show", job=job, spec=eff.spec or "off",
                           source=eff.source, tz=group.timezone)
        why = await reports.push_why(ctx, group) if job == "morning_report" and eff.source == "auto" else ""
        await ctx.reply(shown.rstrip("\n") + ("\n" + why if why else ""))
        return
    if sub.name == "preview":
        now = ctx.clock()
        if job == "morning_report":
            rep = await report_texts.morning(ctx.repo, ctx.render, group, now, ctx.config)
            await post(ctx, ev.chat, rep.text, rep.mentions, reply_to=ev.event_id)
        else:
            rep = await report_texts.weekly(ctx.repo, ctx.render, ctx.config, group, now, public=True,
                                       visibility=ctx.visibility(ev.chat))
            await post(ctx, ev.chat, rep.text, reply_to=ev.event_id)
        return
    rest = ctx.data[SCHEDULE]
    value: str | None = rest
    if rest.casefold() in ("reset", "恢复", "默认"):
        value = None
    elif rest.casefold() in ("off", "关闭", "关"):
        value = "off"
    else:
        try:
            parse_schedule(rest)
        except ScheduleError:
            await ctx.reply(ctx.render("ops", ctx.locale, kind="schedule_bad", typed=rest, job=job))
            return
    configured = scheduled.configured_in(ctx.config, group)
    await ctx.repo.settings.set_setting(group.id, schedule_key(job), value, configured)
    await ctx.reply(ctx.render("ops", ctx.locale, kind="schedule_set", job=job,
                               spec=value if value is not None else (configured or "auto"),
                               tz=group.timezone))


async def morning(ctx: Context[Message]) -> None:
    await _schedule_command(ctx, reports.MORNING_REPORT)


async def digest(ctx: Context[Message]) -> None:
    await _schedule_command(ctx, reports.WEEKLY_DIGEST)


def router() -> Router:
    r = Router("report_schedules")
    r.command(MORNING, morning)
    r.command(DIGEST, digest)
    return r
