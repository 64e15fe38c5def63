"""Rewards: points from check-ins and surveys spent on what the operator lists (``[[defaults.rewards]]`` /
``[[groups.rewards]]``). ``/兑换`` lists the rewards with the asker's balance, ``/兑换 NAME`` redeems one when
the balance covers it, ``/兑换 记录`` shows the asker's redemptions (an admin sees the group's). Every
redemption is kept (``reward_redemptions``) and booked as a negative ``redeem:<message>`` points entry, so the
balance is one sum and a redelivered message never spends twice."""

from __future__ import annotations

from bot.core.arguments import Word
from bot.core.commands import CommandSpec, Sub, bare
from bot.core.context import Context
from bot.core.events import Message, display_name
from bot.core.filters import is_admin
from bot.core.routing import Router

REWARD = Word("奖励名", "NAME")
REDEEM = CommandSpec("redeem", ("兑换", "积分兑换"), "积分兑换：列出奖励、兑换、查看记录", default="list", subs=(
    Sub("list", ("列表",), "可兑换的奖励和你的积分"),
    Sub("log", ("记录",), "兑换记录（管理员看全群）"),
    bare("redeem", "用积分兑换一个奖励，如 /兑换 定制酒杯", REWARD),
))
SHOWN = 20


async def reward_list(ctx: Context[Message]) -> None:
    ev = ctx.event
    balance = await ctx.repo.checkins.points_of(ev.chat.id, ev.user.id)
    rewards = ctx.group.rewards if ctx.group else ()
    await ctx.reply(ctx.render("rewards", ctx.locale, kind="list", rewards=rewards, balance=balance))


async def reward_redeem(ctx: Context[Message]) -> None:
    ev = ctx.event
    rewards = ctx.group.rewards if ctx.group else ()
    reward = next((r for r in rewards if r.name.casefold() == ctx.data[REWARD].casefold()), None)
    if reward is None:
        await ctx.reply(ctx.render("rewards", ctx.locale, kind="unknown", name=ctx.data[REWARD], rewards=rewards))
        return
    gid, mid = ev.chat.id, ev.user.id
    balance = await ctx.repo.checkins.points_of(gid, mid)
    ok = balance >= reward.points and await ctx.repo.reach.redeem(gid, mid, reward.name, reward.points, ev.event_id)
    if not ok:
        await ctx.reply(ctx.render("rewards", ctx.locale, kind="short", reward=reward, balance=balance))
        return
    await ctx.reply(ctx.render("rewards", ctx.locale, kind="redeemed", reward=reward,
                               name=display_name(ev.user_name, mid), balance=balance - reward.points))


async def reward_log(ctx: Context[Message]) -> None:
    ev = ctx.event
    everyone = is_admin(ctx)
    rows = await ctx.repo.reach.redemptions(ev.chat.id, None if everyone else ev.user.id, SHOWN)
    names = await ctx.repo.reach.member_names(ev.chat.id, sorted({r.member_id for r in rows})) if everyone else {}
    items = [{"name": display_name(names.get(r.member_id, ""), r.member_id), "reward": r.reward, "points": r.points,
              "at": r.at} for r in rows]
    await ctx.reply(ctx.render("rewards", ctx.locale, kind="log", items=items, everyone=everyone, tz=ctx.timezone))


def router() -> Router:
    r = Router("rewards")
    r.command(REDEEM, {"list": reward_list, "log": reward_log, "redeem": reward_redeem})
    return r
