"""Sending a survey and reminding once.

A survey goes to the whole group (one post; a native poll where the platform has them and the survey is one
choice question), or to a segment (``[[surveys]] segment`` or ``/问卷 发起 ID 分群``): privately to each
member the platform lets us write to, and one group post @-mentioning the others. Every member it reached
gets a delivery row naming the group, so a private answer counts there. ``remind_after_hours`` later, members
who have not answered get one reminder: privately when the survey reached them privately, else together in
one group post.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.config import GroupConfig, SurveyConfig
from bot.core.context import Context
from bot.core.events import ChatRef, UserRef
from bot.core.jobs import Jobs, MinuteJob
from bot.core.outgoing import Outgoing, Poll, Text
from bot.core.posting import mentions_for, post
from bot.domain import insights, pushes
from handlers.survey_answers import poll_ref

# Conservative native-poll limits (Telegram's): beyond them the survey is posted as text.
POLL_QUESTION, POLL_OPTION, POLL_OPTIONS = 300, 100, (2, 10)


@dataclass(frozen=True, slots=True)
class Sent:
    """How a survey went out: ``private`` members written to privately, ``mentioned`` @-mentioned in the group."""

    targeted: bool
    private: int = 0
    mentioned: int = 0


def as_poll(sv: SurveyConfig, group_id: str) -> Poll | None:
    """The survey as one native poll: one single/multi choice question that needs no consent, within limits."""
    if len(sv.questions) != 1:
        return None
    q = sv.questions[0]
    lo, hi = POLL_OPTIONS
    if q.kind not in ("single", "multi") or q.sensitive or not lo <= len(q.options) <= hi:
        return None
    if not 0 < len(q.text) <= POLL_QUESTION or any(not 0 < len(o) <= POLL_OPTION for o in q.options):
        return None
    return Poll(q.text, tuple(q.options), q.kind == "multi", poll_ref(group_id, sv.id, q.id))


def _text(ctx: Context, sv: SurveyConfig) -> str:
    return ctx.render("survey", ctx.locale, survey=sv, questions=list(enumerate(sv.questions, 1)))


async def _post_in_group(ctx: Context, sv: SurveyConfig, chat: ChatRef) -> None:
    poll = as_poll(sv, chat.id)
    caps = ctx.capabilities.get(chat.adapter)
    if poll is None or caps is None or not caps.polls:
        await post(ctx, chat, _text(ctx, sv))
        return
    await post(ctx, chat, ctx.render("survey_reach", ctx.locale, kind="poll_intro", survey=sv))
    await ctx.send(Outgoing(target=chat, parts=(Text(poll.question),), poll=poll))


async def send_survey(ctx: Context, sv: SurveyConfig, chat: ChatRef, segment: str = "") -> Sent:
    """Send ``sv`` for the group ``chat``: to ``segment`` (else the survey's own) or the whole group.
    Raises ``segments.QueryError`` for a bad query."""
    query = segment or sv.segment
    gid = chat.id
    if not query:
        await ctx.repo.surveys.start_survey(gid, sv.id)
        await _post_in_group(ctx, sv, chat)
        members = await ctx.repo.members.current_members(gid)
        await ctx.repo.reach.record_deliveries(gid, sv.id, [(m, "group") for m in members])
        return await _measured(ctx, gid, Sent(targeted=False))
    saved = await ctx.repo.profiles.saved_segments(gid)
    found = await insights.segment(ctx.repo, ctx.config, gid, saved.get(query, query), ctx.clock())
    await ctx.repo.surveys.start_survey(gid, sv.id)
    text = _text(ctx, sv)
    privately: list[str] = []
    rest: list[tuple[str, str]] = []
    for p in found:
        if p.opted_out or p.lifecycle == "left":
            continue
        if ctx.can_dm(UserRef.of(p.member)):
            await post(ctx, UserRef.of(p.member), text)
            privately.append(p.member)
        else:
            rest.append((p.member, p.name))
    if rest:
        mentions, tokens = mentions_for(rest)
        await post(ctx, chat, ctx.render("survey_reach", ctx.locale, kind="targeted", who=tokens, survey=sv)
                   + "\n" + text, mentions)
    await ctx.repo.reach.record_deliveries(gid, sv.id, [(m, "private") for m in privately]
                                           + [(m, "group") for m, _n in rest])
    return await _measured(ctx, gid, Sent(targeted=True, private=len(privately), mentioned=len(rest)))


async def _measured(ctx: Context, group_id: str, sent: Sent) -> Sent:
    """Record the sending as a bot post whose response is measured (``bot.domain.pushes``), like every other."""
    await pushes.record(ctx.repo, group_id, "survey", ctx.clock(), ctx.timezone)
    return sent


async def remind_non_responders(jobs: Jobs, ctx: Context, group: GroupConfig) -> None:
    """Once per delivery: members sent a survey ``remind_after_hours`` ago who have not answered."""
    now = ctx.clock()
    for sv in ctx.config.surveys:
        if sv.remind_after_hours <= 0:
            continue
        due = await ctx.repo.reach.unanswered_before(group.id, sv.id, now - sv.remind_after_hours * 3600.0)
        if not due:
            continue

        async def remind(c: Context, g: GroupConfig, sv: SurveyConfig = sv,
                         members: tuple[tuple[str, str], ...] = tuple((u.member_id, u.channel) for u in due)) -> None:
            await _remind(c, g, sv, members)
        await jobs.run(group, f"survey_remind:{sv.id}", float(int(now // 60) * 60), remind)


async def _remind(ctx: Context, group: GroupConfig, sv: SurveyConfig, members: tuple[tuple[str, str], ...]) -> None:
    await ctx.repo.reach.mark_reminded(group.id, sv.id, [m for m, _c in members])
    in_group: list[str] = []
    for member, channel in members:
        user = UserRef.of(member)
        if channel == "private" and ctx.can_dm(user):
            await post(ctx, user, ctx.render("survey_reach", group.locale, kind="reminder_private", survey=sv)
                       + "\n" + _text(ctx, sv))
        else:
            in_group.append(member)
    if in_group:
        names = await ctx.repo.reach.member_names(group.id, in_group)
        mentions, tokens = mentions_for([(m, names.get(m, "")) for m in in_group])
        await post(ctx, ChatRef.of(group.id), ctx.render("survey_reach", group.locale, kind="reminder_group",
                                                         who=tokens, survey=sv), mentions)


SURVEY_REMINDERS = MinuteJob("survey_reminders", remind_non_responders)
