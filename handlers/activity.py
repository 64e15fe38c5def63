"""Activity observer: counts, active days, first/last seen, local-hour histogram, joins and leaves.

Only chat is counted (:func:`bot.domain.chat.is_chat`); a command or a check-in only shows the member was there.
"""

from __future__ import annotations

from bot.core.context import Context
from bot.core.events import GroupMoved, MemberJoined, MemberLeft, Message
from bot.core.routing import Router
from bot.core.timeutil import day_minus, local_day, local_day_hour, local_midnight
from bot.domain.chat import is_chat
from storage.repo import MessageFacts

# Stages of past days are kept (``storage.repo.rollups``) for days before today. A fact from today cannot
# change them, so only older facts pay for the check; near midnight every fact does, for processes whose
# clocks differ by a few minutes.
MIDNIGHT_MARGIN_S = 600.0


def late(ctx: Context[Message] | Context[MemberJoined | MemberLeft], at: float) -> bool:
    """Whether a fact at ``at`` may be from before today in the group's zone."""
    now, tz = ctx.clock(), ctx.timezone
    today = local_day(now, tz)
    return at < local_midnight(today, tz) + MIDNIGHT_MARGIN_S or \
        now > local_midnight(day_minus(today, -1), tz) - MIDNIGHT_MARGIN_S


async def count_message(ctx: Context[Message]) -> None:
    ev = ctx.event
    if not is_chat(ctx):
        await ctx.repo.activity.record_sighting(ev.chat.id, ev.chat.adapter, ev.chat_name, ev.user.id, ev.user_name,
                                                ev.time, late(ctx, ev.time))
        return
    day, hour = local_day_hour(ev.time, ctx.timezone)
    await ctx.repo.activity.record_message(MessageFacts(
        group_id=ev.chat.id, group_name=ev.chat_name, adapter=ev.chat.adapter, member_id=ev.user.id,
        member_name=ev.user_name, message_id=ev.event_id, at=ev.time, local_day=day, local_hour=hour,
        reply_to=ev.reply_to, text=ev.text if ctx.config.storage.store_text else None, late=late(ctx, ev.time)))


async def membership(ctx: Context[MemberJoined | MemberLeft]) -> None:
    ev = ctx.event
    joined = isinstance(ev, MemberJoined)
    await ctx.repo.activity.record_membership(
        group_id=ev.chat.id, adapter=ev.chat.adapter, group_name=ev.chat_name, member_id=ev.user.id,
        member_name=ev.user_name if isinstance(ev, MemberJoined) else "",
        kind="join" if joined else "leave", at=ev.time, event_id=ev.event_id,
        invited_by=ev.invited_by.id if isinstance(ev, MemberJoined) and ev.invited_by else None,
        late=late(ctx, ev.time))


async def moved(ctx: Context[GroupMoved]) -> None:
    ev = ctx.event
    old = f"{ev.chat.adapter}:{ev.old_chat_id}"
    await ctx.repo.members.move_group(old, ev.chat.id, ev.chat.adapter, ev.time)


def router() -> Router:
    r = Router("activity")
    r.observe(Message, count_message)
    r.observe(MemberJoined, membership)
    r.observe(MemberLeft, membership)
    r.observe(GroupMoved, moved)
    return r
