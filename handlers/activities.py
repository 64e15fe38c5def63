"""The group's weekly activities: ``/activity list|add|rm`` (``/活动``). The morning report announces the day's
activities and :mod:`handlers.routine` reminds the group an hour before each."""

from __future__ import annotations

from bot.core.arguments import Integer, Text, TimeOfDay, Weekday
from bot.core.commands import CommandSpec, Sub
from bot.core.context import Context
from bot.core.events import Message
from bot.core.routing import Router
from bot.core.scheduler import DAY_NAMES
from bot.core.usage import numbered
from bot.domain.reports import weekday_names

INDEX = Integer("序号", "N")
DAY, AT, TITLE = Weekday("星期", "DAY"), TimeOfDay("时间", "HH:MM"), Text("标题", "TITLE")
ACTIVITY = CommandSpec("activity", ("活动",), "每周活动：早报公布，开始前一小时提醒", default="list", subs=(
    Sub("list", ("列表", "ls"), "本群的每周活动"),
    Sub("add", ("添加", "加"), "添加每周活动，如 /活动 添加 周三 20:00 红酒品鉴会",
        (DAY, AT, TITLE), admin=True),
    Sub("rm", ("del", "删除", "移除"), "删除第几个活动", (INDEX,), admin=True),
))


async def activity_list(ctx: Context[Message]) -> None:
    items = await ctx.repo.news.activities(ctx.event.chat.id)
    await ctx.reply(ctx.render("ops", ctx.locale, kind="activity_list", items=[
        {"day": weekday_names(ctx.locale)[w], "time": t, "title": title}
        for _i, w, t, title in items]))


async def activity_add(ctx: Context[Message]) -> None:
    ev = ctx.event
    day, at, title = ctx.data[DAY], ctx.data[AT], ctx.data[TITLE]
    await ctx.repo.news.add_activity(ev.chat.id, day, at, title, ev.user.id)
    await ctx.reply(ctx.render("ops", ctx.locale, kind="activity_added", title=title,
                               day=weekday_names(ctx.locale)[day], time=at, dayname=DAY_NAMES[day]))


async def activity_rm(ctx: Context[Message]) -> None:
    ev = ctx.event
    item = await numbered(ctx, INDEX, await ctx.repo.news.activities(ev.chat.id))
    if item is not None:
        await ctx.repo.news.remove_activity(ev.chat.id, item[0])
        await ctx.reply(ctx.render("ops", ctx.locale, kind="activity_removed", title=item[3]))


def router() -> Router:
    r = Router("activities")
    r.command(ACTIVITY, {"list": activity_list, "add": activity_add, "rm": activity_rm})
    return r
