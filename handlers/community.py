"""Running the group: report schedules changed in chat, news for the morning report, weekly activities,
welcoming new members (with the onboarding survey), channel tags, and question tracking for alerts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from bot.core.arguments import Integer, Text, TimeOfDay, Weekday
from bot.core.commands import INVOCATION, CommandSpec, Sub, bare
from bot.core.context import Context
from bot.core.events import MemberJoined, Message
from bot.core.jobs import ScheduledJob, effective, schedule_key
from bot.core.posting import mentions_for, post
from bot.core.routing import Router
from bot.core.scheduler import DAY_NAMES, ScheduleError, parse_schedule
from bot.core.usage import reply_usage
from bot.domain import reports as report_texts
from bot.domain.chat import is_chat
from bot.domain.questions import is_question
from bot.domain.reports import weekday_names
from handlers import reports

T = TypeVar("T")

SCHEDULE = Text("08:00", "08:00")
INDEX = Integer("序号", "N")
CONTENT = Text("内容", "TEXT")
DAY, AT, TITLE = Weekday("星期", "DAY"), TimeOfDay("时间", "HH:MM"), Text("标题", "TITLE")
MORNING = CommandSpec("morning", ("早报",), "早报的时间和预览", admin=True, subs=(
    bare("show", "查看早报时间"),
    Sub("preview", ("预览", "看看"), "在群里预览今天的早报"),
    Sub("time", ("时间", "设置", "set"), "设置早报时间：也可 mon 09:00 或 crontab；off 关闭，reset 恢复配置",
        (SCHEDULE,)),
))
DIGEST = CommandSpec("digest", ("周报",), "周报的时间和预览", admin=True, subs=(
    bare("show", "查看周报时间"),
    Sub("preview", ("预览", "看看"), "在群里预览周报（不含管理部分）"),
    Sub("time", ("时间", "设置", "set"), "设置周报时间，如 mon 09:00；off 关闭，reset 恢复配置", (SCHEDULE,)),
))
NEWS = CommandSpec("news", ("资讯", "新闻"), "早报资讯：下一期早报带上的消息", admin=True, default="list", subs=(
    Sub("add", ("添加", "加"), "加一条资讯", (CONTENT,)),
    Sub("list", ("列表", "ls"), "待发的资讯"),
    Sub("rm", ("del", "删除", "移除"), "删除第几条资讯", (INDEX,)),
))
ACTIVITY = CommandSpec("activity", ("活动",), "每周活动：早报公布，开始前一小时提醒", default="list", subs=(
    Sub("list", ("列表", "ls"), "本群的每周活动"),
    Sub("add", ("添加", "加"), "添加每周活动，如 /activity add 周三 20:00 红酒品鉴会",
        (DAY, AT, TITLE), admin=True),
    Sub("rm", ("del", "删除", "移除"), "删除第几个活动", (INDEX,), admin=True),
))



async def _schedule_command(ctx: Context[Message], scheduled: ScheduledJob) -> None:
    ev = ctx.event
    assert ctx.group is not None
    group, job = ctx.group, scheduled.name
    sub = ctx.data[INVOCATION].sub
    if sub is None or sub.name == "show":
        eff = await effective(ctx, group, scheduled)
        await ctx.reply(ctx.render("ops", ctx.locale, kind="schedule_show", job=job, spec=eff.spec or "off",
                                   source=eff.source, tz=group.timezone))
        return
    if sub.name == "preview":
        now = ctx.clock()
        if job == "morning_report":
            rep = await report_texts.morning(ctx.repo, ctx.render, group, now)
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
        except ScheduleError as exc:
            await ctx.reply(ctx.render("ops", ctx.locale, kind="schedule_bad", error=str(exc)))
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


async def track_questions(ctx: Context[Message]) -> None:
    ev = ctx.event
    if not is_chat(ctx):
        return  # "/faq 怎么报名？" asks the bot, and a command answers nobody
    if ev.reply_to or ev.mentions:
        await ctx.repo.questions.answer_questions(ev.chat.id, ev.user.id, ev.time, ev.reply_to,
                                                  [m.id for m in ev.mentions])
    if is_question(ev.text):
        excerpt = ev.text[:60] if ctx.config.storage.store_text else None
        await ctx.repo.questions.record_question(ev.chat.id, ev.event_id, ev.user.id, ev.time, excerpt)


async def channel_tags(ctx: Context[MemberJoined]) -> None:
    ev = ctx.event
    if ev.invite_link:
        await ctx.repo.tags.tag_member(ev.chat.id, ev.user.id, f"渠道:{ev.invite_link}", "channel", "activity")
    elif ev.invited_by is not None:
        await ctx.repo.tags.tag_member(ev.chat.id, ev.user.id, "渠道:成员邀请", "channel", "activity")


async def welcome(ctx: Context[MemberJoined]) -> None:
    ev = ctx.event
    group = ctx.group
    if group is None or not group.welcome:
        return
    mentions, tokens = mentions_for([(ev.user.id, ev.user_name)])
    sv = ctx.config.survey(group.onboarding_survey) if group.onboarding_survey else None
    private = sv is not None and ctx.can_dm(ev.user)
    await post(ctx, ev.chat, ctx.render("welcome", ctx.locale, who=tokens[0], group=ev.chat_name or group.name,
                                        survey=sv, private=private), mentions)
    if sv is not None:
        text = ctx.render("survey", ctx.locale, survey=sv, questions=list(enumerate(sv.questions, 1)))
        await post(ctx, ev.user if private else ev.chat, text)


async def news_add(ctx: Context[Message]) -> None:
    ev = ctx.event
    items = await ctx.repo.news.pending_news(ev.chat.id)
    await ctx.repo.news.add_news(ev.chat.id, ctx.data[CONTENT], ev.user.id)
    await ctx.reply(ctx.render("ops", ctx.locale, kind="news_added", count=len(items) + 1))


async def news_list(ctx: Context[Message]) -> None:
    items = await ctx.repo.news.pending_news(ctx.event.chat.id)
    await ctx.reply(ctx.render("ops", ctx.locale, kind="news_list", items=[t for _i, t in items]))


async def news_rm(ctx: Context[Message]) -> None:
    ev = ctx.event
    item = await _numbered(ctx, await ctx.repo.news.pending_news(ev.chat.id))
    if item is not None:
        await ctx.repo.news.remove_news(ev.chat.id, item[0])
        await ctx.reply(ctx.render("ops", ctx.locale, kind="news_removed", text=item[1]))


async def _numbered(ctx: Context[Message], items: Sequence[T]) -> T | None:
    """The item at the position ``序号`` names (1 = first), else None after answering with the usage."""
    n = ctx.data[INDEX]
    if 1 <= n <= len(items):
        return items[n - 1]
    await reply_usage(ctx)
    return None


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
    item = await _numbered(ctx, await ctx.repo.news.activities(ev.chat.id))
    if item is not None:
        await ctx.repo.news.remove_activity(ev.chat.id, item[0])
        await ctx.reply(ctx.render("ops", ctx.locale, kind="activity_removed", title=item[3]))


def router() -> Router:
    r = Router("community")
    r.observe(Message, track_questions)
    r.observe(MemberJoined, channel_tags)
    r.member_joined(welcome)
    r.command(MORNING, morning)
    r.command(DIGEST, digest)
    r.command(NEWS, {"add": news_add, "list": news_list, "rm": news_rm})
    r.command(ACTIVITY, {"list": activity_list, "add": activity_add, "rm": activity_rm})
    return r
