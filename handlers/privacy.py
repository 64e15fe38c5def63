"""Member self-service privacy: /optout 退出画像, /optin 加入画像, /forget 删除我的数据, /mydata 我的数据."""

from __future__ import annotations

import json

from bot.core.arguments import Maybe, Text
from bot.core.commands import CommandSpec
from bot.core.context import Context
from bot.core.events import Message
from bot.core.posting import post
from bot.core.routing import Router
from bot.domain import profiles

CONFIRMATION = Maybe(Text("确认", "confirm"))
OPTOUT = CommandSpec("optout", ("退出画像",), "停止为我建立画像，并隐藏已有标签")
OPTIN = CommandSpec("optin", ("加入画像", "恢复画像"), "重新允许为我建立画像")
FORGET = CommandSpec("forget", ("删除我的数据",), "删除我在本群的全部数据（先问一次，再发 /forget 确认）",
                     args=(CONFIRMATION,))
MYDATA = CommandSpec("mydata", ("我的数据",), "把我在本群的全部数据私信发给我（JSON）")
CONFIRM = {"确认", "confirm", "yes"}


async def consent(ctx: Context[Message]) -> None:
    """/optout and /optin take effect as observations, in arrival order: observers of a whole batch
    commit before its handlers run, so a handler would let the messages right after /optout be profiled.
    (Even a rate-limited /optout counts: refusing profiling is never too frequent.)"""
    ev = ctx.event
    if ctx.command is None or ev.addressed_elsewhere:
        return
    if ctx.command.name in OPTOUT.names or ctx.command.name in OPTIN.names:
        await ctx.repo.privacy.set_opt_out(ev.chat.id, ev.user.id, ctx.command.name in OPTOUT.names)


async def optout(ctx: Context[Message]) -> None:
    await ctx.reply(ctx.render("privacy", ctx.locale, action="optout"))


async def optin(ctx: Context[Message]) -> None:
    await ctx.reply(ctx.render("privacy", ctx.locale, action="optin"))


async def forget(ctx: Context[Message]) -> None:
    ev = ctx.event
    if (ctx.data[CONFIRMATION] or "").casefold() not in CONFIRM:
        await ctx.reply(ctx.render("privacy", ctx.locale, action="forget_ask"))
        return
    removed = await ctx.repo.privacy.forget_member(ev.chat.id, ev.user.id, actor=f"member:{ev.user.id}")
    kept = await ctx.repo.privacy.profiling_refused(ev.chat.id, ev.user.id)
    # Not a reply: the erased message's id would be stored again with the answer.
    await post(ctx, ev.chat, ctx.render("privacy", ctx.locale, action="forgotten", rows=sum(removed.values()),
                                        kept_optout=kept))


async def mydata(ctx: Context[Message]) -> None:
    ev = ctx.event
    if not ctx.can_dm(ev.user):
        await ctx.reply(ctx.render("privacy", ctx.locale, action="no_private"))
        return
    found = await profiles.load(ctx.repo, ctx.config, ev.chat.id, [ev.user.id], ctx.clock())
    raw = await ctx.repo.privacy.member_raw_data(ev.chat.id, ev.user.id)
    body = json.dumps({"profile": profiles.profile_json(found[0]) if found else None, "stored": raw},
                      ensure_ascii=False, indent=1)
    await ctx.reply_private(body)
    await ctx.reply(ctx.render("privacy", ctx.locale, action="sent_private"))


def router() -> Router:
    r = Router("privacy")
    r.observe(Message, consent)
    r.command(OPTOUT, optout)
    r.command(OPTIN, optin)
    r.command(FORGET, forget)
    r.command(MYDATA, mydata)
    return r
