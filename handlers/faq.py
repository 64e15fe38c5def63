"""FAQ answers (常见问答): admins teach the group questions and answers (or list them in the config, ``faqs``
under ``[defaults.qa]`` for every group); a member's question that matches one gets its answer as a reply, at
most once per FAQ per group within ``faq_cooldown_minutes``.

Commands (admins; the confirmation and the list go privately where the platform allows):

- ``/faq add 问题 | 答案`` — the answer may span lines; a full-width ``｜`` separates too;
- ``/faq list`` — numbered; ``/faq rm N`` removes number N;
- ``/faq save`` — keeps an exchange that happened in the group: as a reply to an answer, the question is the
  message that answer replied to; as a reply to a question with text after it (``/faq save 答案``), that text is
  the answer; with no reply, the sender's latest reply to a question. Member texts come from the stored messages
  only (``[storage] store_text``); without them the admin is told to use ``/faq add``.

Matching is :mod:`bot.domain.faq_match` on messages the question detector accepts; a FAQ's answer counts as
the question's answer, so no unanswered alert and no routing follow.
"""

from __future__ import annotations

from bot.core.arguments import Integer, Maybe, Text
from bot.core.commands import CommandSpec, Sub
from bot.core.config import GroupConfig
from bot.core.context import Context
from bot.core.events import Message
from bot.core.posting import post
from bot.core.routing import Router
from bot.core.usage import numbered, reply_usage
from bot.domain.chat import is_chat
from bot.domain.faq_match import best_match
from bot.domain.questions import is_question
from handlers.admin_reply import audit_admin
from storage.repo import Faq

INDEX = Integer("序号", "N")
PAIR = Text("问题 | 答案", "QUESTION | ANSWER")
GIVEN = Maybe(Text("答案", "ANSWER"))
SEPARATORS = ("|", "｜")
MAX_QUESTION, MAX_ANSWER = 200, 2000
MAX_FAQS = 300  # per group: every question is compared with each (about 40 µs apiece, bench/faq.py)
FAQ = CommandSpec("faq", ("问答",), "常见问答：群友提问时自动回复", admin=True, default="list", subs=(
    Sub("add", ("添加", "加"), "加一条问答（问题 | 答案）", (PAIR,)),
    Sub("list", ("列表", "ls"), "本群的问答"),
    Sub("rm", ("del", "删除", "移除"), "删除第几条问答", (INDEX,)),
    Sub("save", ("保存",), "把群里的一问一答存为问答（回复那条消息）", (GIVEN,)),
))


async def _to_admin(ctx: Context[Message], text: str) -> None:
    """Privately where the platform allows, else as a reply in the group."""
    if ctx.can_dm(ctx.event.user):
        await post(ctx, ctx.event.user, text)
    else:
        await post(ctx, ctx.event.chat, text, reply_to=ctx.event.event_id)


async def _add(ctx: Context[Message], question: str, answer: str) -> None:
    ev = ctx.event
    question, answer = question.strip()[:MAX_QUESTION], answer.strip()[:MAX_ANSWER]
    if len(await ctx.repo.answers.faqs(ev.chat.id)) >= MAX_FAQS:
        await _to_admin(ctx, ctx.render("faq", ctx.locale, kind="full", n=MAX_FAQS))
        return
    await ctx.repo.answers.add_faq(ev.chat.id, question, answer, ev.user.id, ev.time)
    count = len(await ctx.repo.answers.faqs(ev.chat.id))
    await audit_admin(ctx, "faq_add", f"#{count}")
    await _to_admin(ctx, ctx.render("faq", ctx.locale, kind="added", n=count, question=question, answer=answer))


async def faq_add(ctx: Context[Message]) -> None:
    text = ctx.data[PAIR]
    cut = min((i for i in (text.find(s) for s in SEPARATORS) if i >= 0), default=-1)
    question, answer = (text[:cut].strip(), text[cut + 1:].strip()) if cut >= 0 else ("", "")
    if not question or not answer:
        await reply_usage(ctx)
        return
    await _add(ctx, question, answer)


def configured(group: GroupConfig) -> list[Faq]:
    """The FAQs from the config (``[defaults.qa]`` and the group's ``[groups.qa]``), with ids below zero so their
    cooldowns are kept apart from the taught ones'."""
    return [Faq(-i, q, a) for i, (q, a) in enumerate(group.qa.faqs, 1)]


async def faq_list(ctx: Context[Message]) -> None:
    items = await ctx.repo.answers.faqs(ctx.event.chat.id)
    fixed = configured(ctx.group) if ctx.group else []
    await _to_admin(ctx, ctx.render("faq", ctx.locale, kind="list", items=items, configured=fixed))


async def faq_rm(ctx: Context[Message]) -> None:
    ev = ctx.event
    item = await numbered(ctx, INDEX, await ctx.repo.answers.faqs(ev.chat.id))
    if item is not None:
        await ctx.repo.answers.remove_faq(ev.chat.id, item.id)
        await audit_admin(ctx, "faq_rm", f"#{ctx.data[INDEX]}")
        await _to_admin(ctx, ctx.render("faq", ctx.locale, kind="removed", question=item.question))


async def faq_save(ctx: Context[Message]) -> None:
    ev, given = ctx.event, ctx.data[GIVEN]
    if ev.reply_to and given:  # replying to the question itself, the answer written after the command
        question, _parent = await ctx.repo.answers.exchange(ev.chat.id, ev.reply_to)
        answer: str | None = given
    elif ev.reply_to:  # replying to an answer: the question is what that answer replied to
        answer, question = await ctx.repo.answers.exchange(ev.chat.id, ev.reply_to)
    else:
        question, answer = await ctx.repo.answers.latest_answer_by(ev.chat.id, ev.user.id)
        answer = given or answer
    if not question or not answer:
        await _to_admin(ctx, ctx.render("faq", ctx.locale, kind="missing", stored=ctx.config.storage.store_text))
        return
    await _add(ctx, question, answer)


async def answer_faq(ctx: Context[Message]) -> None:
    """Observer: a member's question that matches a FAQ gets its answer (once per cooldown per FAQ)."""
    ev, group = ctx.event, ctx.group
    if group is None or not is_chat(ctx) or ev.is_private or not is_question(ev.text):
        return
    faqs = [*await ctx.repo.answers.committed_faqs(group.id), *configured(group)]
    found = best_match(ev.text, [f.question for f in faqs], group.qa.faq_threshold) if faqs else None
    if found is None:
        return
    faq = faqs[found.index]
    last = await ctx.repo.answers.last_faq_hit(group.id, faq.id)
    # abs(): events may arrive out of order, and an earlier question inside the window counts as well
    if last is not None and abs(ev.time - last) < group.qa.faq_cooldown_minutes * 60:
        return
    await ctx.repo.answers.record_faq_hit(group.id, faq.id, ev.user.id, ev.event_id, ev.time)
    await post(ctx, ev.chat, ctx.render("faq", group.locale, kind="answer", question=faq.question,
                                        answer=faq.answer), reply_to=ev.event_id)


def router() -> Router:
    r = Router("faq")
    r.observe(Message, answer_faq)
    r.command(FAQ, {"add": faq_add, "list": faq_list, "rm": faq_rm, "save": faq_save})
    return r
