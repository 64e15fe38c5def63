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
from storage.repo import Signal

QUESTION_WORDS = ("怎么", "怎样", "如何", "为什么", "为啥", "哪里", "哪儿", "哪个", "哪家", "哪款", "什么", "多少",
                  "几点", "几号", "是否", "能不能", "可不可以", "可以吗", "有没有", "是不是", "请问", "求推荐",
                  "求助", "求问", "谁知道", "有人知道", "咋")
QUESTION_ENDINGS = ("吗", "呢", "么", "嘛")
# What may follow a final question particle: closing punctuation and every character str.isspace() knows.
# Stripped with str.rstrip (one pass from the end): a "[…]+$" regex restarts at every position, quadratic
# on a long run of such characters that does not reach the end.
TRAILING = "。.!！~～…,，:：;；)）]】\"'”’" + "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
# A fixed-width look at the character after the prefix: nothing for the engine to backtrack over.
LINK = re.compile(r"(?:https?://|www\.)\S", re.IGNORECASE)


def is_question(text: str) -> bool:
    """A Chinese (or English) question: a question mark, a question word, or a final question particle."""
    s = analysis_text(text).strip()
    if not s or s.startswith("/"):
        return False
    if "?" in s:
        return True
    if any(w in s for w in QUESTION_WORDS):
        return True
    return s.rstrip(TRAILING).endswith(QUESTION_ENDINGS)


def has_link(text: str) -> bool:
    return LINK.search(analysis_text(text)) is not None


async def record(ctx: Context[Message]) -> None:
    ev = ctx.event
    if ctx.command is not None:
        return  # commands to the bot are not conversation
    mentions = tuple(sorted({m.id for m in ev.mentions if m.id != ev.user.id}))
    await ctx.repo.record_signal(ev.chat.id, Signal(
        message_id=ev.event_id, member_id=ev.user.id, at=ev.time, question=is_question(ev.text),
        link=has_link(ev.text), reply_to=ev.reply_to, mentions=mentions))


def router() -> Router:
    r = Router("signals")
    r.observe(Message, record)
    return r
