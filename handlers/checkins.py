"""Check-ins: ``/checkin`` (``/签到``, ``/打卡``, and the bare words 签到 / 打卡), once per local day in the
group's zone, with streaks, points and a leaderboard (``/rank``, ``/签到榜``)."""

from __future__ import annotations

from bot.core.commands import CommandSpec
from bot.core.context import Context
from bot.core.events import Message, display_name
from bot.core.routing import Router
from bot.core.timeutil import day_minus, local_day
from bot.domain import group_settings
from bot.domain.chat import BARE_CHECKIN

CHECKIN = CommandSpec("checkin", ("签到", "打卡"), "每日签到：累计连续天数和积分")
RANK = CommandSpec("rank", ("签到榜", "积分榜", "排行"), "签到连续榜和积分榜")


async def check_in(ctx: Context[Message]) -> None:
    ev = ctx.event
    day = local_day(ev.time, ctx.timezone)
    yesterday = day_minus(day, 1)
    gid, mid = ev.chat.id, ev.user.id
    state = await ctx.repo.checkins.checkin_state(gid, mid, day, yesterday)
    name = ev.user_name or ev.user.user_id
    if state.already:
        await ctx.reply(ctx.render("ops", ctx.locale, kind="checkin_again", name=name, streak=state.streak,
                                   points=state.points))
        return
    cfg = await group_settings.checkin(ctx.repo, ctx.config, gid)
    await ctx.repo.checkins.record_checkin(gid, mid, day, yesterday, ev.time, cfg.points, 7, cfg.weekly_bonus)
    earned = cfg.points + (cfg.weekly_bonus if state.streak % 7 == 0 else 0)
    await ctx.reply(ctx.render("ops", ctx.locale, kind="checkin", name=name, streak=state.streak, rank=state.rank,
                               earned=earned, points=state.points + earned))


async def rank(ctx: Context[Message]) -> None:
    ev = ctx.event
    day = local_day(ev.time, ctx.timezone)
    count, streaks = await ctx.repo.checkins.checkin_leaders(ev.chat.id, day, day_minus(day, 1), 10)
    points = await ctx.repo.checkins.points_leaders(ev.chat.id, 10)
    mine = await ctx.repo.checkins.points_of(ev.chat.id, ev.user.id)
    await ctx.reply(ctx.render(
        "ops", ctx.locale, kind="rank", today=count, mine=mine, rewards=bool(ctx.group and ctx.group.rewards),
        streaks=[{"name": display_name(n, m), "streak": s} for m, n, s in streaks],
        points=[{"name": display_name(n, m), "points": p} for m, n, p in points]))


def router() -> Router:
    r = Router("checkins")
    r.command(CHECKIN, check_in)
    r.message(check_in, BARE_CHECKIN)
    r.command(RANK, rank)
    return r
