"""Questions asked in the group and who answered them: the facts behind the unanswered-question alert and
the weekly digest's unanswered questions."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.events import Message
from bot.core.routing import Router
from bot.domain.chat import is_chat
from bot.domain.questions import is_question


async def track_questions(ctx: Context[Message]) -> None:
    ev = ctx.event
    if not is_chat(ctx):
        return  # "/faq 怎么报名？" asks the bot, and a command answers nobody
    if ev.reply_to or ev.mentions:
        await ctx.repo.questions.answer_questions(ev.chat.id, ev.user.id, ev.time, ev.reply_to,
                                        [m.id for m in ev.mentions])
    if is_question(ev.text):
        excerpt = ev.text[:60] if ctx.config.storage.store_text else None
        await ctx.repo.questions.record_question(ev.chat.id, ev.event_id, ev.user.id, ev.time, excerpt)


def router() -> Router:
    r = Router("questions")
    r.observe(Message, track_questions)
    return r
