"""New members: a welcome in the group (with the onboarding survey, privately where possible) and a channel
tag saying how they came in (an invite link, or another member's invitation)."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.events import MemberJoined
from bot.core.posting import mentions_for, post
from bot.core.routing import Router


async def channel_tags(ctx: Context[MemberJoined]) -> None:
    ev = ctx.event
    if ev.invite_link:
        await ctx.repo.tags.tag_member(ev.chat.id, ev.user.id, f"渠道:{ev.invite_link}", "channel", "activity")
    elif ev.invited_by is not None:
        await ctx.repo.tags.tag_member(ev.chat.id, ev.user.id, "渠道:成员邀请", "channel", "activity")


async def welcome(ctx: Context[MemberJoined]) -> None:
    ev = ctx.event
    group = ctx.group
    if group is None or not group.welcome:
        return
    mentions, tokens = mentions_for([(ev.user.id, ev.user_name)])
    sv = ctx.config.survey(group.onboarding_survey) if group.onboarding_survey else None
    private = sv is not None and ctx.can_dm(ev.user)
    await post(ctx, ev.chat, ctx.render("welcome", ctx.locale, who=tokens[0], group=ev.chat_name or group.name,
                                        survey=sv, private=private), mentions)
    if sv is not None:
        text = ctx.render("survey", ctx.locale, survey=sv, questions=list(enumerate(sv.questions, 1)))
        await post(ctx, ev.user if private else ev.chat, text)
        # so a private answer counts for this group (and a reminder knows where it was sent)
        await ctx.repo.reach.record_deliveries(ev.chat.id, sv.id, [(ev.user.id, "private" if private else "group")])


def router() -> Router:
    r = Router("welcome")
    r.observe(MemberJoined, channel_tags)
    r.member_joined(welcome)
    return r
