"""Reactions as responses: each reaction in a group is remembered (who and when, not the emoji) so push
measurement counts it like a post (``bot.domain.pushes``). Members who refused profiling are not recorded."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.events import Reaction
from bot.core.routing import Router


async def reacted(ctx: Context[Reaction]) -> None:
    ev = ctx.event
    if await ctx.repo.privacy.profiling_refused(ev.chat.id, ev.user.id):
        return
    await ctx.repo.pushes.record_reaction(ev.chat.id, ev.user.id, ev.time, ev.message_id)


def router() -> Router:
    r = Router("reactions")
    r.observe(Reaction, reacted)
    return r
