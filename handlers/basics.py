"""Member commands that prove the outbound path: /help 帮助, /me 我的画像, /id 编号."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.core.context import Context
from bot.core.events import Message
from bot.core.filters import is_admin
from bot.core.routing import CommandSpec, Router
from bot.domain import profiles
from bot.domain.lifecycle import stage_label

HELP = CommandSpec("help", ("帮助", "菜单"), "列出所有命令")
ME = CommandSpec("me", ("我的画像", "画像"), "查看我的画像：标签、强度与活跃阶段")
ID = CommandSpec("id", ("编号", "群号"), "显示本群编号和你的成员编号（管理员配置用）")


def router(all_commands: Callable[[], Sequence[CommandSpec]]) -> Router:
    r = Router("commands")

    @r.command(HELP)
    async def help_(ctx: Context) -> None:
        cmds = [c for c in all_commands() if not c.admin]
        admin = [c for c in all_commands() if c.admin] if is_admin(ctx) else []
        await ctx.reply(ctx.render("help", ctx.locale, commands=cmds, admin_commands=admin))

    @r.command(ME)
    async def me(ctx: Context) -> None:
        ev = ctx.event
        assert isinstance(ev, Message)
        found = await profiles.load(ctx.repo, ctx.config, ev.chat.id, [ev.user.id], ctx.clock())
        if not found:
            await ctx.reply(ctx.render("profile_empty", ctx.locale, name=ev.user_name))
            return
        p = found[0]
        await ctx.reply(ctx.render("profile", ctx.locale, p=p, name=p.name or ev.user_name,
                                   stage=stage_label(p.lifecycle, ctx.locale)))

    @r.command(ID)
    async def id_(ctx: Context) -> None:
        ev = ctx.event
        assert isinstance(ev, Message)
        await ctx.reply(ctx.render("ids", ctx.locale, group=ev.chat.id, member=ev.user.id))

    return r
