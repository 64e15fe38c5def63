"""Running the group: report schedules changed in chat, news for the morning report, weekly activities,
welcoming new members (with the onboarding survey), channel tags, and question tracking for alerts."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.events import MemberJoined, Message
from bot.core.filters import is_admin
from bot.core.jobs import ScheduledJob, effective, schedule_key
from bot.core.posting import mentions_for, post
from bot.core.routing import CommandSpec, Router
from bot.core.scheduler import DAY_NAMES, ScheduleError, parse_hhmm, parse_schedule, weekday_index
from bot.core.textnorm import small_int
from bot.domain import reports as report_texts
from bot.domain.questions import is_question
from bot.domain.reports import weekday_names
from handlers import reports

MORNING = CommandSpec("morning", ("早报",), "早报：/早报 预览 · /早报 时间 08:00（off 关闭，reset 恢复配置）",
                      admin=True)
DIGEST = CommandSpec("digest", ("周报",), "周报：/周报 预览 · /周报 时间 mon 09:00", admin=True)
NEWS = CommandSpec("news", ("资讯", "新闻"), "早报资讯：/news add 内容 · /news list · /news rm 序号", admin=True)
ACTIVITY = CommandSpec("activity", ("活动",), "每周活动：/activity · /activity add 周三 20:00 标题 · /activity rm 序号")

ADD, LIST, RM = ("add", "添加", "加"), ("list", "列表", "ls"), ("rm", "del", "删除", "移除")


async def _schedule_command(ctx: Context, scheduled: ScheduledJob) -> None:
    ev = ctx.event
    assert isinstance(ev, Message) and ctx.command is not None and ctx.group is not None
    group, job = ctx.group, scheduled.name
    sub, _, rest = ctx.command.args.partition(" ")
    sub, rest = sub.casefold(), rest.strip()
    if sub in ("预览", "preview", "看看", ""):
        if sub == "":
            eff = await effective(ctx, group, scheduled)
            await ctx.reply(ctx.render("ops", ctx.locale, kind="schedule_show", job=job, spec=eff.spec or "off",
                                       source=eff.source, tz=group.timezone))
            return
        now = ctx.clock()
        if job == "morning_report":
            rep = await report_texts.morning(ctx.repo, ctx.render, group, now)
            await post(ctx, ev.chat, rep.text, rep.mentions, reply_to=ev.event_id)
        else:
            rep = await report_texts.weekly(ctx.repo, ctx.render, ctx.config, group, now, public=True,
                                       visibility=ctx.visibility(ev.chat))
            await post(ctx, ev.chat, rep.text, reply_to=ev.event_id)
        return
    if sub not in ("时间", "time", "设置", "set"):
        await ctx.reply(ctx.render("ops", ctx.locale, kind="schedule_usage", job=job))
        return
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
    configured = scheduled.configured(ctx.config, group)
    await ctx.repo.set_setting(group.id, schedule_key(job), value, configured)
    await ctx.reply(ctx.render("ops", ctx.locale, kind="schedule_set", job=job,
                               spec=value if value is not None else (configured or "auto"),
                               tz=group.timezone))


def router() -> Router:
    r = Router("community")

    @r.observer(Message)
    async def track_questions(ctx: Context) -> None:
        ev = ctx.event
        assert isinstance(ev, Message)
        if ev.reply_to or ev.mentions:
            await ctx.repo.answer_questions(ev.chat.id, ev.user.id, ev.time, ev.reply_to,
                                            [m.id for m in ev.mentions])
        if is_question(ev.text):
            excerpt = ev.text[:60] if ctx.config.storage.store_text else None
            await ctx.repo.record_question(ev.chat.id, ev.event_id, ev.user.id, ev.time, excerpt)

    @r.observer(MemberJoined)
    async def channel_tags(ctx: Context) -> None:
        ev = ctx.event
        assert isinstance(ev, MemberJoined)
        if ev.invite_link:
            await ctx.repo.tag_member(ev.chat.id, ev.user.id, f"渠道:{ev.invite_link}", "channel", "activity")
        elif ev.invited_by is not None:
            await ctx.repo.tag_member(ev.chat.id, ev.user.id, "渠道:成员邀请", "channel", "activity")

    @r.handler(lambda ctx: isinstance(ctx.event, MemberJoined))
    async def welcome(ctx: Context) -> None:
        ev = ctx.event
        assert isinstance(ev, MemberJoined)
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

    @r.command(MORNING, is_admin)
    async def morning(ctx: Context) -> None:
        await _schedule_command(ctx, reports.MORNING_REPORT)

    @r.command(DIGEST, is_admin)
    async def digest(ctx: Context) -> None:
        await _schedule_command(ctx, reports.WEEKLY_DIGEST)

    @r.command(NEWS, is_admin)
    async def news(ctx: Context) -> None:
        ev = ctx.event
        assert isinstance(ev, Message) and ctx.command is not None
        sub, _, rest = ctx.command.args.partition(" ")
        sub, rest = sub.casefold(), rest.strip()
        items = await ctx.repo.pending_news(ev.chat.id)
        n = small_int(rest) or 0
        if sub in ADD and rest:
            await ctx.repo.add_news(ev.chat.id, rest, ev.user.id)
            await ctx.reply(ctx.render("ops", ctx.locale, kind="news_added", count=len(items) + 1))
        elif sub in RM and 1 <= n <= len(items):
            await ctx.repo.remove_news(ev.chat.id, items[n - 1][0])
            await ctx.reply(ctx.render("ops", ctx.locale, kind="news_removed", text=items[n - 1][1]))
        elif sub in LIST or sub == "":
            await ctx.reply(ctx.render("ops", ctx.locale, kind="news_list", items=[t for _i, t in items]))
        else:
            await ctx.reply(ctx.render("ops", ctx.locale, kind="news_usage"))

    @r.command(ACTIVITY)
    async def activity(ctx: Context) -> None:
        ev = ctx.event
        assert isinstance(ev, Message) and ctx.command is not None
        parts = ctx.command.args.split()
        sub = parts[0].casefold() if parts else ""
        items = await ctx.repo.activities(ev.chat.id)
        if sub in ("", *LIST):
            await ctx.reply(ctx.render("ops", ctx.locale, kind="activity_list", items=[
                {"day": weekday_names(ctx.locale)[w], "time": t, "title": title}
                for _i, w, t, title in items]))
            return
        if not is_admin(ctx):
            await ctx.reply(ctx.render("ops", ctx.locale, kind="admin_only"))
            return
        if sub in ADD and len(parts) >= 4:
            day = weekday_index(parts[1])
            try:
                h, m = parse_hhmm(parts[2])
            except ScheduleError:
                day = None
            if day is not None:
                title = " ".join(parts[3:])
                await ctx.repo.add_activity(ev.chat.id, day, f"{h:02d}:{m:02d}", title, ev.user.id)
                await ctx.reply(ctx.render("ops", ctx.locale, kind="activity_added", title=title,
                                           day=weekday_names(ctx.locale)[day],
                                           time=f"{h:02d}:{m:02d}", dayname=DAY_NAMES[day]))
                return
        elif sub in RM and len(parts) == 2 and 1 <= (n := small_int(parts[1]) or 0) <= len(items):
            await ctx.repo.remove_activity(ev.chat.id, items[n - 1][0])
            await ctx.reply(ctx.render("ops", ctx.locale, kind="activity_removed", title=items[n - 1][3]))
            return
        await ctx.reply(ctx.render("ops", ctx.locale, kind="activity_usage"))

    return r
