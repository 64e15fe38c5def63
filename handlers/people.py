"""/绑定 (/link) and /解绑 (/unlink): a member links their accounts on several platforms into one person.

``/绑定`` privately gives a one-time code (10 minutes, once); ``/绑定 CODE`` from the other account — privately
or in a group — links the two. A code asked for in a group goes privately, never into the group.
"""

from __future__ import annotations

from bot.core.arguments import Maybe, Word
from bot.core.commands import ANYWHERE, CommandSpec
from bot.core.context import Context
from bot.core.events import Message
from bot.core.routing import Router
from bot.domain import people

CODE = Maybe(Word("验证码", "CODE"))
LINK = CommandSpec("link", ("绑定",), "绑定我在其他平台的账号：私聊发送得到验证码，再用另一个账号发送“/绑定 验证码”",
                   chat=ANYWHERE, args=(CODE,))
UNLINK = CommandSpec("unlink", ("解绑",), "解除本账号与其他账号的绑定", chat=ANYWHERE)


async def link(ctx: Context[Message]) -> None:
    ev = ctx.event
    code = ctx.data[CODE]
    if code is not None:
        status, _person = await people.redeem_code(ctx.repo, code, ev.user.id)
        await ctx.reply(ctx.render("people", ctx.locale, kind=status))
        return
    if not ev.is_private and not ctx.can_dm(ev.user):
        await ctx.reply(ctx.render("people", ctx.locale, kind="no_private"))
        return
    issued = await people.issue_code(ctx.repo, ev.user.id, ctx.clock())
    text = ctx.render("people", ctx.locale, kind="code", code=issued, minutes=int(people.CODE_TTL // 60))
    if ev.is_private:
        await ctx.reply(text)
        return
    await ctx.reply_private(text)
    await ctx.reply(ctx.render("people", ctx.locale, kind="sent_private"))


async def unlink(ctx: Context[Message]) -> None:
    done = await ctx.repo.people.unlink(ctx.event.user.id)
    await ctx.reply(ctx.render("people", ctx.locale, kind="unlinked" if done else "not_linked"))


def router() -> Router:
    r = Router("people")
    r.command(LINK, link)
    r.command(UNLINK, unlink)
    return r
