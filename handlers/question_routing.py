"""Question routing (答疑): a question nobody answered within ``route_after_minutes`` is brought to up to two
members most likely to answer it — those carrying the 答疑者 activity tag, ranked by their keyword-tag hits on
the question's own tags (then by how strongly they carry 答疑者) — by @-mentioning them in a reply to the
question. The question's text is quoted only where the group keeps message text (``store_text``); otherwise the
reply itself points at it. Each question is routed once (the run is keyed by the question); a member can opt
out for themselves with ``/答疑提醒 关`` and back in with ``/答疑提醒 开``.
"""

from __future__ import annotations

from bot.core.commands import CommandSpec, Sub
from bot.core.config import GroupConfig
from bot.core.context import Context
from bot.core.events import ChatRef, Message, display_name
from bot.core.jobs import Jobs, MinuteJob
from bot.core.posting import mentions_for, post
from bot.core.routing import Router
from bot.domain.activity_tags import HELPER

TOPIC_WINDOW_S = 90 * 86400.0  # keyword hits this recent say what a helper knows about
OLDEST_S = 86400.0  # questions older than a day are left to the digest
HELPERS_PER_QUESTION = 2

REMIND = CommandSpec("qa_remind", ("答疑提醒",), "群里有人提问没人回答时，是否 @ 你来帮忙（开/关）",
                     default="show", subs=(
    Sub("off", ("关", "关闭"), "不再 @ 我"),
    Sub("on", ("开", "开启", "打开"), "继续 @ 我"),
    Sub("show", ("状态",), "说明"),
))


async def remind_off(ctx: Context[Message]) -> None:
    ev = ctx.event
    await ctx.repo.answers.set_routing(ev.chat.id, ev.user.id, False, ev.time)
    await ctx.reply(ctx.render("qa", ctx.locale, kind="off"))


async def remind_on(ctx: Context[Message]) -> None:
    ev = ctx.event
    await ctx.repo.answers.set_routing(ev.chat.id, ev.user.id, True, ev.time)
    await ctx.reply(ctx.render("qa", ctx.locale, kind="on"))


async def remind_show(ctx: Context[Message]) -> None:
    minutes = ctx.group.qa.route_after_minutes if ctx.group else 0
    await ctx.reply(ctx.render("qa", ctx.locale, kind="show", minutes=minutes))


async def route_questions(jobs: Jobs, ctx: Context, group: GroupConfig) -> None:
    """Every minute: open questions past ``route_after_minutes`` (and less than a day old), each once."""
    minutes = group.qa.route_after_minutes
    if minutes <= 0:
        return
    now = ctx.clock()
    for mid, asker, name, at, excerpt in await ctx.repo.questions.open_questions(group.id, now - minutes * 60,
                                                                                 now - OLDEST_S):
        async def bring(jctx: Context, g: GroupConfig, mid: str = mid, asker: str = asker, name: str = name,
                        at: float = at, excerpt: str | None = excerpt) -> None:
            helpers = await jctx.repo.answers.route_candidates(g.id, mid, asker, HELPER, jctx.clock() - TOPIC_WINDOW_S,
                                                               HELPERS_PER_QUESTION)
            if not helpers:
                return
            mentions, tokens = mentions_for(helpers)
            text = jctx.render("qa", g.locale, kind="route", helpers=tokens, asker=display_name(name, asker),
                               excerpt=excerpt if jctx.config.storage.store_text else "",
                               minutes=int((jctx.clock() - at) // 60))
            await post(jctx, ChatRef.of(g.id), text, mentions, reply_to=mid)
        await jobs.run(group, f"route:{mid}", at, bring)


def router() -> Router:
    r = Router("question_routing")
    r.command(REMIND, {"off": remind_off, "on": remind_on, "show": remind_show})
    return r


async def groups_with_open_questions(ctx: Context) -> list[str]:
    """Groups with an open question of the last day, so groups outside [[groups]] are routed too."""
    now = ctx.clock()
    return await ctx.repo.answers.open_question_groups(now, now - OLDEST_S)


QUESTION_ROUTING = MinuteJob("question_routing", route_questions, groups_with_open_questions)
