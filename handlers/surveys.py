"""Surveys from ``[[surveys]]``: start in chat, answer with ``/answer ID 1=2 2=1,3 3=杭州 西湖区``
(alias ``/答题``), consent for sensitive questions, results, reward points.

Answers are NFKC-normalized first (so full-width ``＝，`` work); multi-choice values are comma
separated; a text answer runs to the next `` N=``. Accepted answers set attributes with provenance
``survey:ID`` or tags through ``tag_map``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any

from bot.core.arguments import Maybe, Text, Word
from bot.core.commands import ANYWHERE, CommandSpec, Sub
from bot.core.config import Config, GroupConfig, SurveyConfig
from bot.core.config.schema import QuestionConfig
from bot.core.context import Context
from bot.core.events import ChatRef, Message
from bot.core.jobs import ScheduledJob
from bot.core.posting import post
from bot.core.routing import Router
from bot.core.textnorm import analysis_text, small_int
from bot.domain import pushes
from storage.repo import AnswerWrite

SURVEY_ID = Word("问卷ID", "ID")
ANSWERS = Maybe(Text("1=2 2=1,3 3=文字", "1=2 2=1,3 3=TEXT"))
SURVEY = CommandSpec("survey", ("问卷",), "问卷：列出、发起、查看结果", default="list", subs=(
    Sub("list", ("列表",), "可用的问卷"),
    Sub("start", ("开始", "发起"), "在群里发起问卷", (SURVEY_ID,), admin=True),
    Sub("results", ("结果", "统计"), "问卷的统计结果", (SURVEY_ID,), admin=True),
))
# Anywhere: an onboarding survey sent privately is answered there, in the same form as in the group.
ANSWER = CommandSpec("answer", ("答题", "回答"), "回答问卷（题号=选项序号，多选用逗号分隔）",
                     args=(SURVEY_ID, ANSWERS), chat=ANYWHERE)
AGREE = frozenset({"同意", "agree", "yes", "y", "ok", "好"})
REFUSE = frozenset({"拒绝", "不同意", "refuse", "no", "n", "skip", "跳过"})
# A question number has at most three digits: a bounded run leaves the engine nothing long to backtrack
# over, and int() never sees the thousands of digits it refuses (or converts in quadratic time).
_PAIR = re.compile(r"(?:^|\s)(\d{1,3})\s*+=")


class AnswerError(ValueError):
    pass


def normalize(text: str) -> str:
    s = unicodedata.normalize("NFKC", text)
    return s.replace("、", ",").replace("，", ",").strip()


def parse_answers(text: str) -> dict[int, str]:
    """``1=2 2=1,3 3=杭州 西湖区`` → {1: "2", 2: "1,3", 3: "杭州 西湖区"}; raises AnswerError."""
    s = analysis_text(text).strip()
    marks = list(_PAIR.finditer(s))
    if not marks or s[:marks[0].start()].strip():
        raise AnswerError("syntax")
    out: dict[int, str] = {}
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(s)
        out[int(m.group(1))] = s[m.end():end].strip()
    return out


@dataclass(frozen=True, slots=True)
class Checked:
    value: str
    tags: tuple[str, ...]


def check(q: QuestionConfig, raw: str) -> Checked:
    """Validate one answer; returns the stored value and tags, or raises AnswerError(reason)."""
    v = normalize(raw)
    if not v:
        raise AnswerError("empty")
    tag_map = q.tag_map or {}
    if q.kind == "text":
        return Checked(v, ())
    if q.kind == "scale":
        n = small_int(v.removeprefix("-"))
        value = None if n is None else -n if v.startswith("-") else n
        if value is None or not q.min <= value <= q.max:
            raise AnswerError(f"scale:{q.min}-{q.max}")
        return Checked(str(value), tag_map.get(str(value), ()))
    picks = [p.strip() for p in v.split(",") if p.strip()]
    if q.kind == "single" and len(picks) != 1:
        raise AnswerError("single")
    nums: list[int] = []
    for p in picks:
        if 1 <= (n := small_int(p) or 0) <= len(q.options):
            nums.append(n)
        elif p in q.options:
            nums.append(q.options.index(p) + 1)
        else:
            raise AnswerError(f"option:{len(q.options)}")
    nums = sorted(set(nums))
    tags = tuple(dict.fromkeys(t for n in nums for t in tag_map.get(str(n), ())))
    return Checked(",".join(q.options[n - 1] for n in nums), tags)


async def start(ctx: Context, sv: SurveyConfig, chat: ChatRef) -> None:
    await ctx.repo.surveys.start_survey(chat.id, sv.id)
    await post(ctx, chat, ctx.render("survey", ctx.locale, survey=sv, questions=list(enumerate(sv.questions, 1))))
    await pushes.record(ctx.repo, chat.id, "survey", ctx.clock(), ctx.timezone)


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
    """One job per survey that has a ``schedule``: it is posted in every group it targets."""
    def job(sv: SurveyConfig) -> ScheduledJob:
        async def post_survey(ctx: Context, group: GroupConfig) -> None:
            await start(ctx, sv, ChatRef.of(group.id))

        def configured(_config: Config, group: GroupConfig) -> str:
            return sv.schedule if not sv.groups or group.id in sv.groups else "off"
        return ScheduledJob(f"survey:{sv.id}", post_survey, configured=configured)
    return [job(sv) for sv in config.surveys if sv.schedule]


async def survey_list(ctx: Context[Message]) -> None:
    await ctx.reply(ctx.render("ops", ctx.locale, kind="survey_list", surveys=ctx.config.surveys))


async def survey_start(ctx: Context[Message]) -> None:
    """Post the survey in the group."""
    sv = await _survey(ctx)
    if sv is not None:
        await start(ctx, sv, ctx.event.chat)


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


async def answer(ctx: Context[Message]) -> None:
    ev = ctx.event
    sid, rest = ctx.data[SURVEY_ID], ctx.data[ANSWERS] or ""
    sv = ctx.config.survey(sid)
    if sv is None:
        await ctx.reply(ctx.render("ops", ctx.locale, kind="survey_unknown", id=sid, surveys=ctx.config.surveys))
        return
    gid, mid = ev.chat.id, ev.user.id
    word = rest.strip().casefold()
    if word in AGREE or word in REFUSE:
        await ctx.repo.surveys.set_consent(gid, sv.id, mid, word in AGREE)
        await ctx.reply(ctx.render("ops", ctx.locale, kind="consent_yes" if word in AGREE else "consent_no",
                                   survey=sv))
        return
    try:
        parsed = parse_answers(rest)
    except AnswerError:
        await ctx.reply(ctx.render("ops", ctx.locale, kind="answer_syntax", survey=sv))
        return
    consent = await ctx.repo.surveys.consent_of(gid, sv.id, mid)
    writes: list[AnswerWrite] = []
    errors: list[dict[str, Any]] = []
    need_consent: list[int] = []
    refused: list[int] = []
    for n, raw in sorted(parsed.items()):
        if not 1 <= n <= len(sv.questions):
            errors.append({"n": n, "reason": f"range:{len(sv.questions)}"})
            continue
        q = sv.questions[n - 1]
        try:
            c = check(q, raw)
        except AnswerError as exc:
            errors.append({"n": n, "reason": str(exc)})
            continue
        if q.sensitive and consent is None:
            need_consent.append(n)
            continue
        if q.sensitive and consent is False:
            refused.append(n)
            continue
        writes.append(AnswerWrite(q.id, c.value, q.attribute, c.tags))
    before = await ctx.repo.surveys.member_answers(gid, sv.id, mid)  # before this message: reads see our writes
    if writes:
        await ctx.repo.surveys.record_answers(gid, sv.id, mid, writes)
    answered = set(before) | {w.question_id for w in writes}
    required = [i for i, q in enumerate(sv.questions, 1) if not (q.sensitive and consent is False)]
    missing = [i for i in required if sv.questions[i - 1].id not in answered]
    reward = 0
    if not missing and writes and sv.reward_points:
        await ctx.repo.checkins.credit(gid, mid, f"survey:{sv.id}", sv.reward_points)
        reward = sv.reward_points if not set(before) >= {q.id for q in sv.questions
                                                          if not (q.sensitive and consent is False)} else 0
    await ctx.reply(ctx.render("ops", ctx.locale, kind="answered", survey=sv, saved=len(writes), errors=errors,
                               need_consent=need_consent, refused=refused, missing=missing, reward=reward,
                               name=ev.user_name or ev.user.user_id))


def router() -> Router:
    r = Router("surveys")
    r.command(SURVEY, {"list": survey_list, "start": survey_start, "results": survey_results})
    r.command(ANSWER, answer)
    return r
