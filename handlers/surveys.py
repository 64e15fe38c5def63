"""Surveys from ``[[surveys]]``: list, start (to the whole group or a segment), results; answers are
``handlers.survey_answers`` (typed or native-poll votes), sending and reminders ``handlers.survey_reach``.

Accepted answers set attributes with provenance ``survey:ID`` or tags through ``tag_map``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from bot.core.arguments import Maybe, Text
from bot.core.commands import ANYWHERE, CommandSpec, Sub
from bot.core.config import Config, GroupConfig, SurveyConfig
from bot.core.context import Context
from bot.core.events import ChatRef, Message, PollAnswer
from bot.core.jobs import ScheduledJob
from bot.core.posting import post
from bot.core.routing import Router
from bot.domain import segments
from handlers.survey_answers import ANSWERS, SURVEY_ID, AnswerError, answer, check, parse_answers, poll_vote
from handlers.survey_reach import send_survey

__all__ = ["AnswerError", "check", "parse_answers", "router", "scheduled_jobs", "start"]
SEGMENT = Maybe(Text("分群", "SEGMENT"))
SURVEY = CommandSpec("survey", ("问卷",), "问卷：列出、发起、查看结果", default="list", subs=(
    Sub("list", ("列表",), "可用的问卷"),
    Sub("start", ("开始", "发起"), "发起问卷；后面写分群（查询或已保存的分群名）就只私信这些成员",
        (SURVEY_ID, SEGMENT), admin=True),
    Sub("results", ("结果", "统计"), "问卷的统计结果", (SURVEY_ID,), admin=True),
))
# Anywhere: an onboarding survey sent privately is answered there, in the same form as in the group.
ANSWER = CommandSpec("answer", ("答题", "回答"), "回答问卷（题号=选项序号，多选用逗号分隔）",
                     args=(SURVEY_ID, ANSWERS), chat=ANYWHERE)


async def start(ctx: Context, sv: SurveyConfig, chat: ChatRef) -> None:
    """Send the survey as configured (its ``segment`` when set, else the whole group)."""
    await send_survey(ctx, sv, chat)


async def results(ctx: Context, sv: SurveyConfig, group_id: str) -> dict[str, Any]:
    answers = await ctx.repo.surveys.survey_answers(group_id, sv.id)
    members = await ctx.repo.members.current_members(group_id)
    responders = {m for m, _q, _v in answers}
    by_q: dict[str, Counter[str]] = {q.id: Counter() for q in sv.questions}
    for _m, qid, value in answers:
        if qid in by_q:
            for part in (value.split(",") if value else []):
                by_q[qid][part] += 1
    rows = []
    for i, q in enumerate(sv.questions, 1):
        c = by_q[q.id]
        if q.kind == "text":
            tally = [(f"{sum(c.values())}", "")]
        elif q.kind == "scale":
            tally = [(str(k), str(c.get(str(k), 0))) for k in range(q.min, q.max + 1)]
        else:
            tally = [(o, str(c.get(o, 0))) for o in q.options]
        rows.append({"n": i, "text": q.text, "kind": q.kind, "tally": tally,
                     "answered": len({m for m, qid, _v in answers if qid == q.id})})
    total = len(members)
    return {"survey": sv, "rows": rows, "responders": len(responders), "members": total,
            "rate": f"{len(responders) * 100 / total:.0f}%" if total else "0%",
            "non_responders": len([m for m in members if m not in responders])}


def scheduled_jobs(config: Config) -> list[ScheduledJob]:
    """One job per survey: posted on its ``schedule`` in every group it targets, or on the schedule set for a
    group in the console (stored like a chat change of a report time; an unscheduled survey's job is off)."""
    def job(sv: SurveyConfig) -> ScheduledJob:
        async def post_survey(ctx: Context, group: GroupConfig) -> None:
            await start(ctx, sv, ChatRef.of(group.id))

        def configured(_config: Config, group: GroupConfig) -> str:
            return sv.schedule if not sv.groups or group.id in sv.groups else "off"
        return ScheduledJob(f"survey:{sv.id}", post_survey, configured=configured)
    return [job(sv) for sv in config.surveys]


async def survey_list(ctx: Context[Message]) -> None:
    await ctx.reply(ctx.render("ops", ctx.locale, kind="survey_list", surveys=ctx.config.surveys))


async def survey_start(ctx: Context[Message]) -> None:
    """Send the survey in the group, or to a segment's members (then the admin is told how it went)."""
    sv = await _survey(ctx)
    if sv is None:
        return
    segment = (ctx.data[SEGMENT] or "").strip()
    try:
        sent = await send_survey(ctx, sv, ctx.event.chat, segment)
    except segments.QueryError as exc:
        await ctx.reply(ctx.render("query_error", ctx.locale, error=str(exc), code=exc.code, position=exc.position,
                                   params=exc.params))
        return
    if sent.targeted:
        await ctx.reply(ctx.render("survey_reach", ctx.locale, kind="targeted_sent", survey=sv,
                                   private=sent.private, mentioned=sent.mentioned))


async def survey_results(ctx: Context[Message]) -> None:
    """The tally so far, in the group."""
    ev = ctx.event
    sv = await _survey(ctx)
    if sv is not None:
        await post(ctx, ev.chat, ctx.render("survey_results", ctx.locale, **await results(ctx, sv, ev.chat.id)),
                   reply_to=ev.event_id)


async def _survey(ctx: Context[Message]) -> SurveyConfig | None:
    """The survey the command names, else a reply listing the ones there are."""
    sv = ctx.config.survey(ctx.data[SURVEY_ID])
    if sv is None:
        await ctx.reply(ctx.render("ops", ctx.locale, kind="survey_unknown", id=ctx.data[SURVEY_ID],
                                   surveys=ctx.config.surveys))
    return sv


def router() -> Router:
    r = Router("surveys")
    r.command(SURVEY, {"list": survey_list, "start": survey_start, "results": survey_results})
    r.command(ANSWER, answer)
    r.on(PollAnswer, poll_vote)
    return r
