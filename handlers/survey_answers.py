"""Answers to surveys: typed (``/answer ID 1=2 2=1,3 3=杭州 西湖区``, alias ``/答题``, in the group or privately)
and votes in a native poll the bot sent. Both go through :func:`record`, so they set the same attributes,
tags and reward points.

Answers are NFKC-normalized first (so full-width ``＝，`` work); multi-choice values are comma separated; a
text answer runs to the next `` N=``. A private answer counts for the group whose sending of that survey
reached the member last (``repo.reach.delivered_group``); a poll vote for the group the poll was posted in.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from bot.core.arguments import Maybe, Text, Word
from bot.core.config import SurveyConfig
from bot.core.config.schema import QuestionConfig
from bot.core.context import Context
from bot.core.events import Message, PollAnswer
from bot.core.textnorm import analysis_text, small_int
from storage.repo import AnswerWrite

SURVEY_ID = Word("问卷ID", "ID")
ANSWERS = Maybe(Text("1=2 2=1,3 3=文字", "1=2 2=1,3 3=TEXT"))
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


async def record(ctx: Context, sv: SurveyConfig, gid: str, mid: str, parsed: dict[int, str]) -> dict[str, Any]:
    """Check and store a member's answers for group ``gid``; credits the reward once the survey is complete.
    Returns what the ``answered`` reply shows."""
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
    return {"survey": sv, "saved": len(writes), "errors": errors, "need_consent": need_consent, "refused": refused,
            "missing": missing, "reward": reward}


async def answer(ctx: Context[Message]) -> None:
    """``/answer ID …`` in a group counts there; privately, for the group that sent the member the survey."""
    ev = ctx.event
    sid, rest = ctx.data[SURVEY_ID], ctx.data[ANSWERS] or ""
    sv = ctx.config.survey(sid)
    if sv is None:
        await ctx.reply(ctx.render("ops", ctx.locale, kind="survey_unknown", id=sid, surveys=ctx.config.surveys))
        return
    mid = ev.user.id
    gid = await ctx.repo.reach.delivered_group(sv.id, mid) if ev.is_private else ev.chat.id
    if gid is None:
        await ctx.reply(ctx.render("survey_reach", ctx.locale, kind="not_sent", survey=sv))
        return
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
    outcome = await record(ctx, sv, gid, mid, parsed)
    await ctx.reply(ctx.render("ops", ctx.locale, kind="answered", name=ev.user_name or ev.user.user_id, **outcome))


def poll_ref(group_id: str, survey_id: str, question_id: str) -> str:
    """What a native poll asks, stored with the platform's poll id when it is sent."""
    return json.dumps({"group": group_id, "survey": survey_id, "question": question_id}, ensure_ascii=False)


async def poll_vote(ctx: Context[PollAnswer]) -> None:
    """A vote in a poll the bot sent counts like ``/answer ID 1=N`` typed in the poll's group; the reward
    (when this completes the survey) is announced privately where possible, never in the group."""
    ev = ctx.event
    raw = await ctx.repo.reach.poll_ref(ev.chat.adapter, ev.poll_id)
    if raw is None or not ev.options:  # not our poll, or a withdrawn vote (the last answer stays)
        return
    ref = json.loads(raw)
    sv = ctx.config.survey(str(ref.get("survey", "")))
    qn = next((i for i, q in enumerate(sv.questions, 1) if q.id == ref.get("question")), 0) if sv else 0
    if sv is None or not qn:
        return
    value = ",".join(str(i + 1) for i in ev.options)
    outcome = await record(ctx, sv, str(ref["group"]), ev.user.id, {qn: value})
    if outcome["reward"] and ctx.can_dm(ev.user):
        await ctx.reply_private(ctx.render("ops", ctx.locale, kind="answered", name=ev.user_name or ev.user.user_id,
                                           **outcome))
