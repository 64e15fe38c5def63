"""/console (/后台): an admin asks for a one-time login link to the operator console, answered privately.

The link is a credential, so it never goes to a group: where the bot cannot write to the admin privately,
the group is told so and pointed to the private chat or ``quntag console-link`` instead.
"""

from __future__ import annotations

from bot.core.commands import ANYWHERE, CommandSpec
from bot.core.context import Context
from bot.core.events import Message
from bot.core.routing import Router

CONSOLE = CommandSpec("console", ("后台", "控制台"), "获取网页后台的一次性登录链接（私信发送，10 分钟内有效）",
                      chat=ANYWHERE)


async def console_link(ctx: Context[Message]) -> None:
    ev = ctx.event
    say = ctx.locale
    if ctx.console_link is None:
        await ctx.reply(ctx.render("console_link", say, kind="off"))
        return
    if not ev.is_private and not ctx.can_dm(ev.user):
        await ctx.reply(ctx.render("console_link", say, kind="no_private", member=ev.user.id))
        return
    url = await ctx.console_link(ev.user.id)
    if url is None:
        await ctx.reply(ctx.render("console_link", say, kind="not_admin"))
        return
    link = ctx.render("console_link", say, kind="link", url=url)
    if ev.is_private:
        await ctx.reply(link)
        return
    await ctx.reply_private(link)
    await ctx.reply(ctx.render("console_link", say, kind="sent"))


def router() -> Router:
    r = Router("console")
    r.command(CONSOLE, console_link)
    return r
