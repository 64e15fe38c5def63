"""The newcomer check as buttons (Telegram inline keyboard), where the adapter's capabilities say ``buttons``.

The greeting shows the sum and four candidate answers as buttons addressed to the newcomer
(:mod:`bot.domain.moderation.captcha`). Every press is answered (the presser's client waits for it): a press
by anyone but that newcomer is refused and changes nothing; the newcomer's right press passes them, a wrong
press removes them (one attempt; they may rejoin and try again). Either way the greeting is deleted.
"""

from __future__ import annotations

from bot.core.config import GroupConfig
from bot.core.context import Context
from bot.core.events import ButtonPress, ChatRef, UserRef
from bot.core.outgoing import Button, ModAction, Outgoing, PressAnswer
from bot.core.posting import mentions_for, to_parts
from bot.domain.moderation.captcha import candidates, press_data, read_press
from handlers.captcha_outcome import failed, passed
from handlers.moderation_act import abilities, do


def offered(ctx: Context, chat: ChatRef) -> bool:
    """Whether the group's platform shows buttons and reports their presses."""
    caps = ctx.capabilities.get(chat.adapter)
    return bool(caps and caps.buttons)


async def ask(ctx: Context, group: GroupConfig, member: UserRef, name: str, a: int, b: int, limit: str) -> None:
    """Greet the newcomer with the sum and one row of candidate answers as buttons."""
    ms, tokens = mentions_for([(member.id, name)])
    text = ctx.render("captcha_buttons", group.locale, who=tokens[0], a=a, b=b, limit=limit)
    buttons = tuple(Button(str(n), press_data(member.user_id, n)) for n in candidates(a + b))
    await ctx.send(Outgoing(target=ChatRef.of(group.id), parts=tuple(to_parts(text, ms)), buttons=buttons))


async def _answer(ctx: Context[ButtonPress], template: str, locale: str) -> None:
    ev = ctx.event
    await ctx.send(Outgoing(target=ev.chat, parts=(), answer=PressAnswer(ev.press_id, ctx.render(template, locale))))


async def pressed(ctx: Context[ButtonPress], checks: bool) -> None:
    """A press on a newcomer-check button (other buttons are not ours); ``checks``: the group asks newcomers."""
    ev, group = ctx.event, ctx.group
    read = read_press(ev.data)
    if read is None or group is None:
        return
    member_ref, value = read
    if member_ref != ev.user.user_id:
        await _answer(ctx, "captcha_not_yours", group.locale)
        return
    pending = await ctx.repo.moderation.captchas(group.id, ev.user.id) if checks else []
    if not pending:
        await _answer(ctx, "captcha_over", group.locale)
        return
    c = pending[0]
    right = value == c.answer
    await _answer(ctx, "captcha_right" if right else "captcha_wrong_press", group.locale)
    if ev.message_id and "delete" in abilities(ctx, ev.chat):
        await do(ctx, ev.chat, ModAction("delete", message_id=ev.message_id))  # the greeting: its buttons are spent
    if right:
        await passed(ctx, group, c, ev.user_name, ev.time)
    else:
        await failed(ctx, group, c, "wrong")
