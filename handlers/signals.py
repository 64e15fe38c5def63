"""Observer: per-message signals for activity tags — question, link, reply target, mentions.

Detected at intake from the text, so the activity tags work with ``store_text = false``: only the flags
are stored, never the words.
"""

from __future__ import annotations

import re

from bot.core.context import Context
from bot.core.events import Message
from bot.core.routing import Router
from bot.core.textnorm import analysis_text
from bot.domain.chat import is_chat
from bot.domain.questions import is_question
from storage.repo import Signal

# A fixed-width look at the character after the prefix: nothing for the engine to backtrack over.
LINK = re.compile(r"(?:https?://|www\.)\S", re.IGNORECASE)


def has_link(text: str) -> bool:
    return LINK.search(analysis_text(text)) is not None


async def record(ctx: Context[Message]) -> None:
    ev = ctx.event
    if not is_chat(ctx):
        return
    mentions = tuple(sorted({m.id for m in ev.mentions if m.id != ev.user.id}))
    await ctx.repo.activity.record_signal(ev.chat.id, Signal(
        message_id=ev.event_id, member_id=ev.user.id, at=ev.time, question=is_question(ev.text),
        link=has_link(ev.text), reply_to=ev.reply_to, mentions=mentions))


def router() -> Router:
    r = Router("signals")
    r.observe(Message, record)
    return r
