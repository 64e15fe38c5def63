"""Member commands that prove the outbound path: /help 帮助, /me 我的画像, /id 编号."""

from __future__ import annotations

from bot.core.commands import ANYWHERE, CATALOGUE, CommandSpec
from bot.core.context import Context
from bot.core.events import Message
from bot.core.filters import is_admin
from bot.core.routing import Router
from bot.core.usage import help_entries
from bot.domain import profiles
from bot.domain.lifecycle import stage_label
from bot.domain.profiles.shown import shown_tags, survey_answers
from bot.domain.tag_visibility import public_tags

HELP = CommandSpec("help", ("帮助", "菜单"), "列出你可以用的命令", chat=ANYWHERE)
ME = CommandSpec("me", ("我的画像", "画像"), "查看我的画像：标签、强度与活跃阶段")
ID = CommandSpec("id", ("编号", "群号"), "显示本群编号和你的成员编号（管理员配置用）", chat=ANYWHERE)

async def help_(ctx: Context[Message]) -> None:
    """Every command the asker may run here (admins also see admin commands), with subcommands."""
    everyone, admin = help_entries(ctx.data[CATALOGUE], ctx.locale, is_admin(ctx), ctx.event.is_private)
    await ctx.reply(ctx.render("help", ctx.locale, commands=everyone, admin_commands=admin))


async def me(ctx: Context[Message]) -> None:
    ev = ctx.event
    found = await profiles.load(ctx.repo, ctx.config, ev.chat.id, [ev.user.id], ctx.clock())
    if not found:
        await ctx.reply(ctx.render("profile_empty", ctx.locale, name=ev.user_name))
        return
    p = found[0]
    answers, private = survey_answers(p, ctx.config)
    tags = shown_tags(p, ctx.locale)
    # in a group everyone reads the answer: only public-safe tags there, the rest on request in private
    shown = tags if ev.is_private else public_tags(ctx.config, tags, lambda t: t.name)
    await ctx.reply(ctx.render("profile", ctx.locale, p=p, name=p.name or ev.user_name,
                               stage=stage_label(p.lifecycle, ctx.locale), tags=shown,
                               hidden_tags=len(tags) - len(shown), answers=answers, private_answers=private,
                               tz=ctx.timezone))


async def id_(ctx: Context[Message]) -> None:
    """The group's and the sender's ids (privately only the sender's: a private chat is no group)."""
    ev = ctx.event
    await ctx.reply(ctx.render("ids", ctx.locale, group="" if ev.is_private else ev.chat.id, member=ev.user.id))


def router() -> Router:
    r = Router("basics")
    r.command(HELP, help_)
    r.command(ME, me)
    r.command(ID, id_)
    return r
