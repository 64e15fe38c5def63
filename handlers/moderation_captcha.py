"""The newcomer check (入群验证): a newcomer answers a small sum in the group within ``captcha_seconds``.

Where the platform shows buttons (Telegram) the answer is a press on one of four candidate answers
(:mod:`handlers.captcha_buttons`); elsewhere it is typed (a typed right answer counts on Telegram too).

Only in ``enforce`` mode and where the platform can remove members. Where it can also restrict (Telegram),
the newcomer may send text only until they pass; elsewhere (QQ) their other messages are deleted until then.
A right answer lifts the restriction; no answer in time removes them (checked every minute, once per
newcomer). A newcomer admitted by the entry gate (``via_gate``) has been asked already and is spared.
"""

from __future__ import annotations

import secrets

from bot.core.config import GroupConfig
from bot.core.context import Context
from bot.core.events import ButtonPress, ChatRef, MemberJoined, MemberLeft, Message
from bot.core.jobs import Jobs
from bot.core.outgoing import ModAction
from bot.core.textnorm import analysis_text
from bot.domain.moderation import labels
from handlers import captcha_buttons
from handlers.captcha_outcome import failed, passed
from handlers.moderation_act import abilities, announce, do
from storage.repo import Captcha


def checks(ctx: Context, group: GroupConfig) -> bool:
    """Whether this group asks newcomers: enforce mode, a time limit, and a platform that can remove them."""
    cfg = group.moderation
    return cfg.mode == "enforce" and cfg.captcha_seconds > 0 and "kick" in abilities(ctx, ChatRef.of(group.id))


async def joined(ctx: Context[MemberJoined]) -> None:
    ev, group = ctx.event, ctx.group
    if group is None or ev.via_gate or not checks(ctx, group):
        return
    if ev.user.id in group.admins:
        return
    a, b = 1 + secrets.randbelow(9), 1 + secrets.randbelow(9)
    restricted = "restrict" in abilities(ctx, ev.chat)
    if restricted:
        await do(ctx, ev.chat, ModAction("restrict", user=ev.user))
    seconds = group.moderation.captcha_seconds
    await ctx.repo.moderation.put_captcha(Captcha(group.id, ev.user.id, ev.user_name, str(a + b), ev.time,
                                                  ev.time + seconds, restricted))
    await ctx.repo.moderation.record_moderation(group.id, ev.user.id, ev.time, "captcha",
                                                "restrict" if restricted else "ask", "enforce")
    await ctx.repo.privacy.audit("moderation", "mod_captcha", group.id, f"{ev.user.id}: asked")
    limit = labels.duration(group.locale, seconds)
    if captcha_buttons.offered(ctx, ev.chat):
        await captcha_buttons.ask(ctx, group, ev.user, ev.user_name, a, b, limit)
    else:
        await announce(ctx, group, "captcha_question", ev.user.id, ev.user_name, a=a, b=b, limit=limit)


async def pressed(ctx: Context[ButtonPress]) -> None:
    """A button press: a newcomer's answer when it is one of the check's buttons."""
    await captcha_buttons.pressed(ctx, ctx.group is not None and checks(ctx, ctx.group))


def _digits(text: str) -> str:
    return "".join(c for c in analysis_text(text) if c.isascii() and c.isdigit())


async def answer(ctx: Context[Message], group: GroupConfig) -> bool:
    """A message from a newcomer still being checked: the right answer passes them; anything else is held
    back (deleted). True when the message was theirs (no other rule looks at it)."""
    if not checks(ctx, group):
        return False
    ev = ctx.event
    pending = await ctx.repo.moderation.captchas(group.id, ev.user.id)
    if not pending:
        return False
    c = pending[0]
    if _digits(ev.text) == c.answer:
        await passed(ctx, group, c, ev.user_name, ev.time)
    elif "delete" in abilities(ctx, ev.chat):
        await do(ctx, ev.chat, ModAction("delete", message_id=ev.event_id))
    return True


async def left(ctx: Context[MemberLeft]) -> None:
    if ctx.group is not None:
        await ctx.repo.moderation.drop_captcha(ctx.group.id, ctx.event.user.id)


async def timeouts(jobs: Jobs, ctx: Context, group: GroupConfig) -> None:
    """Remove newcomers whose time ran out (each once: the run is keyed by newcomer and deadline)."""
    if not checks(ctx, group):
        return
    for c in await ctx.repo.moderation.captchas(group.id, due_by=ctx.clock()):
        async def remove(jctx: Context, g: GroupConfig, c: Captcha = c) -> None:
            await failed(jctx, g, c, "timeout")
        await jobs.run(group, f"captcha:{c.member_id}", c.deadline, remove)


async def due_groups(ctx: Context) -> list[str]:
    """Every group with a newcomer check due now, listed under [[groups]] or not (those run with [defaults])."""
    return await ctx.repo.moderation.captcha_groups(ctx.clock())
