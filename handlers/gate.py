"""Entry gate (拉人门槛): approve join requests whose answer contains the group's keyword.

OneBot-style platforms carry the applicant's answer with the request (``comment``): approve on the
keyword, else hold for an admin or decline, as ``[groups.gate] otherwise`` says. Telegram-style
platforms (``answer_private``) let us message the applicant first: we ask the gate question privately
and approve when the private reply contains the keyword; after ``timeout_minutes`` without the
keyword the request is held for an admin or declined. Decisions go through the outbox as
:class:`~bot.outgoing.JoinDecision` actions; adapters render them (no platform JSON here).
"""

from __future__ import annotations

from bot.core.arguments import Word
from bot.core.commands import CommandSpec, Sub
from bot.core.config import GroupConfig
from bot.core.context import Context
from bot.core.events import ChatRef, JoinRequest, MemberJoined, Message, UserRef
from bot.core.filters import IS_COMMAND, IS_PRIVATE
from bot.core.jobs import Jobs, MinuteJob
from bot.core.outgoing import JoinDecision, Outgoing
from bot.core.posting import notify_admins, post
from bot.core.routing import Router
from bot.core.textnorm import normalize
from bot.domain.reports import group_title
from handlers.admin_reply import answer_lookup, audit_admin

APPLICANT = Word("成员编号", "MEMBER_ID")
GATE = CommandSpec("gate", ("门槛", "审核"), "入群审核", admin=True, default="list", subs=(
    Sub("list", ("列表",), "待审核的入群申请（私信回复）"),
    Sub("approve", ("通过", "同意"), "通过某人的入群申请", (APPLICANT,)),
    Sub("decline", ("拒绝",), "拒绝某人的入群申请", (APPLICANT,)),
))


def passes(keyword: str, text: str) -> bool:
    return bool(keyword.strip()) and normalize(keyword) in normalize(text)


_chat = ChatRef.of
_user = UserRef.of


async def decide(ctx: Context, group_id: str, member_id: str, request_id: str, approve: bool,
                 reason: str = "") -> None:
    await ctx.send(Outgoing(target=_chat(group_id), parts=(),
                            join=JoinDecision(_user(member_id), approve, request_id, reason)))
    await ctx.repo.joins.decide_join_request(group_id, member_id, "approved" if approve else "declined")


async def hold(ctx: Context, group: GroupConfig, member_id: str, name: str, answer: str) -> None:
    title = await group_title(ctx.repo, group)
    await notify_admins(ctx, group, ctx.render("alert", group.locale, kind="gate_hold", group=title,
                                               name=name or member_id, member=member_id, answer=answer))


async def join_request(ctx: Context[JoinRequest]) -> None:
    ev = ctx.event
    group = ctx.group
    if group is None or group.gate is None:
        return  # no gate: the platform's own approval flow applies
    gate = group.gate
    gid, mid = ev.chat.id, ev.user.id
    if passes(gate.keyword, ev.comment):
        await ctx.repo.joins.upsert_join_request(gid, mid, ev.request_id, ev.user_name, ev.time, "pending", "gate")
        await decide(ctx, gid, mid, ev.request_id, True)
        return
    if ev.answer_private:
        await ctx.repo.joins.upsert_join_request(gid, mid, ev.request_id, ev.user_name, ev.time, "pending", "gate")
        await post(ctx, ev.user, ctx.render("ops", ctx.locale, kind="gate_question", question=gate.question,
                                            group=ev.chat_name or group.name or gid))
        return
    if gate.otherwise == "decline":
        await ctx.repo.joins.upsert_join_request(gid, mid, ev.request_id, ev.user_name, ev.time, "pending", "gate")
        await decide(ctx, gid, mid, ev.request_id, False, ctx.render("ops", ctx.locale, kind="gate_declined"))
        return
    await ctx.repo.joins.upsert_join_request(gid, mid, ev.request_id, ev.user_name, ev.time, "held", "gate")
    # The alert waits in the outbox: it quotes the applicant only where member text may be kept.
    await hold(ctx, group, mid, ev.user_name, ev.comment if ctx.config.storage.store_text else "")


async def private_answer(ctx: Context[Message]) -> None:
    """A private reply (chat id = user id, as in Telegram private chats) from a pending applicant."""
    ev = ctx.event
    for gid, mid, request_id, _name, _at, _status, _via in await ctx.repo.joins.join_requests(member_id=ev.user.id,
                                                                                           statuses=("pending",)):
        group = ctx.config.group(gid)
        if group is None or group.gate is None:
            continue
        if passes(group.gate.keyword, ev.text):
            await decide(ctx, gid, mid, request_id, True)
            await post(ctx, ev.user, ctx.render("ops", group.locale, kind="gate_ok"))
        else:
            await post(ctx, ev.user, ctx.render("ops", group.locale, kind="gate_retry",
                                                question=group.gate.question))


async def channel(ctx: Context[MemberJoined]) -> None:
    ev = ctx.event
    if ev.via_gate or await ctx.repo.joins.join_requests(member_id=ev.user.id, group_id=ev.chat.id,
                                                         statuses=("approved",)):
        await ctx.repo.tags.tag_member(ev.chat.id, ev.user.id, "渠道:门槛", "channel", "activity")


async def gate_list(ctx: Context[Message]) -> None:
    ev = ctx.event
    waiting = await ctx.repo.joins.join_requests(group_id=ev.chat.id)
    await answer_lookup(ctx, ctx.render("ops", ctx.locale, kind="gate_list", items=[
        {"member": w[1], "name": w[3], "status": w[5]} for w in waiting]), "gate_list", f"{len(waiting)} requests")


async def gate_approve(ctx: Context[Message]) -> None:
    await _decide_waiting(ctx, approve=True)


async def gate_decline(ctx: Context[Message]) -> None:
    await _decide_waiting(ctx, approve=False)


async def _decide_waiting(ctx: Context[Message], approve: bool) -> None:
    ev = ctx.event
    waiting = await ctx.repo.joins.join_requests(group_id=ev.chat.id)
    rest = ctx.data[APPLICANT]
    member = rest if ":" in rest else f"{ev.chat.adapter}:{rest}"
    match = [w for w in waiting if w[1] == member]
    if not match:
        await ctx.reply(ctx.render("ops", ctx.locale, kind="gate_none", member=member))
        return
    await audit_admin(ctx, "gate_approve" if approve else "gate_decline", member)
    await decide(ctx, ev.chat.id, member, match[0][2], approve)
    await ctx.reply(ctx.render("ops", ctx.locale, kind="gate_done", member=member, approve=approve))


def router() -> Router:
    r = Router("gate")
    r.join_request(join_request)
    # A handler (not an observer), so each private reply it answers counts against the sender's rate limit.
    r.message(private_answer, IS_PRIVATE & ~IS_COMMAND)
    r.observe(MemberJoined, channel)
    r.command(GATE, {"list": gate_list, "approve": gate_approve, "decline": gate_decline})
    return r


async def timeouts(jobs: Jobs, ctx: Context, group: GroupConfig) -> None:
    """Pending requests past ``timeout_minutes``: decline, or hold for an admin."""
    gate = group.gate
    if gate is None:
        return
    now = ctx.clock()
    for gid, mid, request_id, name, at, _status, _via in await ctx.repo.joins.join_requests(group_id=group.id,
                                                                                          statuses=("pending",)):
        if now - at < gate.timeout_minutes * 60:
            continue
        if gate.otherwise == "decline":
            await decide(ctx, gid, mid, request_id, False, ctx.render("ops", group.locale, kind="gate_declined"))
        else:
            await ctx.repo.joins.upsert_join_request(gid, mid, request_id, name, at, "held", "gate")
            await hold(ctx, group, mid, name, "")


JOIN_TIMEOUTS = MinuteJob("join_request_timeouts", timeouts)
