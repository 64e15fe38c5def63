"""Member self-service privacy: /optout 退出画像, /optin 加入画像, /forget 删除我的数据, /mydata 我的数据."""

from __future__ import annotations

import json
from typing import Any

from bot.core.arguments import Maybe, Text
from bot.core.commands import CommandSpec
from bot.core.context import Context
from bot.core.events import Message
from bot.core.i18n import N_, gettext
from bot.core.posting import post
from bot.core.routing import Router
from bot.domain import member_data, people, profiles
from bot.domain.lifecycle import stage_label
from bot.domain.profiles.shown import shown_tags

CONFIRMATION = Maybe(Text("确认", "confirm"))
OPTOUT = CommandSpec("optout", ("退出画像",), "停止为我建立画像，并隐藏已有标签")
OPTIN = CommandSpec("optin", ("加入画像", "恢复画像"), "重新允许为我建立画像")
FORGET = CommandSpec("forget", ("删除我的数据",), "删除我在本群的全部数据（先问一次，再发 /删除我的数据 确认）",
                     args=(CONFIRMATION,))
MYDATA = CommandSpec("mydata", ("我的数据",), "私信发给我在本群的数据：一份摘要和完整的数据文件")
CONFIRM = {"确认", "confirm", "yes"}
EVERYWHERE = {"全部", "all"}  # /forget 全部: every linked account in every group


async def consent(ctx: Context[Message]) -> None:
    """/optout and /optin take effect as observations, in arrival order: observers of a whole batch
    commit before its handlers run, so a handler would let the messages right after /optout be profiled.
    (Even a rate-limited /optout counts: refusing profiling is never too frequent.)"""
    ev = ctx.event
    if ctx.command is None or ev.addressed_elsewhere:
        return
    if ctx.command.name in OPTOUT.names or ctx.command.name in OPTIN.names:
        refused = ctx.command.name in OPTOUT.names
        await ctx.repo.privacy.set_opt_out(ev.chat.id, ev.user.id, refused)
        await people.set_opt_out_everywhere(ctx.repo, ev.user.id, refused)  # one person, one choice


async def optout(ctx: Context[Message]) -> None:
    await ctx.reply(ctx.render("privacy", ctx.locale, action="optout"))


async def optin(ctx: Context[Message]) -> None:
    await ctx.reply(ctx.render("privacy", ctx.locale, action="optin"))


async def forget(ctx: Context[Message]) -> None:
    ev = ctx.event
    words = (ctx.data[CONFIRMATION] or "").casefold().split()
    if words and words[0] in EVERYWHERE:
        await forget_everywhere(ctx, len(words) > 1 and words[1] in CONFIRM)
        return
    if (ctx.data[CONFIRMATION] or "").casefold() not in CONFIRM:
        await ctx.reply(ctx.render("privacy", ctx.locale, action="forget_ask"))
        return
    removed = await ctx.repo.privacy.forget_member(ev.chat.id, ev.user.id, actor=f"member:{ev.user.id}")
    kept = await ctx.repo.privacy.profiling_refused(ev.chat.id, ev.user.id)
    # Not a reply: the erased message's id would be stored again with the answer.
    await post(ctx, ev.chat, ctx.render("privacy", ctx.locale, action="forgotten", rows=sum(removed.values()),
                                        kept_optout=kept))


async def forget_everywhere(ctx: Context[Message], confirmed: bool) -> None:
    """``/forget 全部``: asks first; ``/forget 全部 确认`` erases every linked account in every group."""
    ev = ctx.event
    if not confirmed:
        await ctx.reply(ctx.render("privacy", ctx.locale, action="forget_all_ask"))
        return
    rows = await people.forget_everywhere(ctx.repo, ev.user.id, actor=f"member:{ev.user.id}")
    await post(ctx, ev.chat, ctx.render("privacy", ctx.locale, action="forgotten_all", rows=rows))


async def mydata(ctx: Context[Message]) -> None:
    """Privately: a summary a member can read, then the complete data as a file to download through a
    one-time link (or, where the server has no public address, as one JSON message). Neither part shows the
    value tier, the group's internal ranking of members."""
    ev = ctx.event
    if not ctx.can_dm(ev.user):
        await ctx.reply(ctx.render("privacy", ctx.locale, action="no_private"))
        return
    now = ctx.clock()
    found = await profiles.load(ctx.repo, ctx.config, ev.chat.id, [ev.user.id], now)
    doc = await member_data.document(ctx.repo, ctx.config, ev.chat.id, ev.user.id, now, found)
    link = await member_data.issue_link(ctx.repo, ctx.config, ev.chat.id, ev.user.id, now)
    linked = [a for a in await people.accounts_of(ctx.repo, ev.user.id) if a != ev.user.id]
    await ctx.reply_private(ctx.render("mydata", ctx.locale, link=link, minutes=int(member_data.LINK_VALID_S // 60),
                                       linked=linked, **summary(ctx, found[0] if found else None, doc["stored"])))
    if link is None:
        await ctx.reply_private(json.dumps(doc, ensure_ascii=False, separators=(",", ":"), default=str))
    await ctx.repo.privacy.audit(f"member:{ev.user.id}", "mydata", ev.chat.id, "link" if link else "message")
    await ctx.reply(ctx.render("privacy", ctx.locale, action="sent_private"))


RECORDS = {"member_days": N_("每天的发言数 %(n)s 天"), "member_hours": N_("各时段的发言数 %(n)s 项"),
           "member_tags": N_("标签 %(n)s 个"), "tag_hits": N_("关键词命中 %(n)s 条"),
           "tag_rejections": N_("被管理员去掉的标签 %(n)s 个"), "member_attributes": N_("属性 %(n)s 项"),
           "survey_answers": N_("问卷答案 %(n)s 条"), "survey_consents": N_("隐私问题的同意记录 %(n)s 条"),
           "checkins": N_("签到 %(n)s 次"), "points": N_("积分记录 %(n)s 条"),
           "membership_events": N_("进退群记录 %(n)s 条"), "lifecycle_transitions": N_("阶段变化 %(n)s 次"),
           "messages": N_("消息记录 %(n)s 条"), "message_signals": N_("消息特征 %(n)s 条"),
           "questions": N_("提问 %(n)s 个"), "join_requests": N_("入群申请 %(n)s 次"),
           "invited": N_("邀请的成员 %(n)s 位"), "do_not_profile": N_("退出画像的标记 %(n)s 个")}


def summary(ctx: Context[Message], p: profiles.Profile | None, raw: dict[str, list[Any]]) -> dict[str, Any]:
    """What the readable part of /mydata shows: the profile's headline and how many rows each kind of record has."""
    ev, locale = ctx.event, ctx.locale
    counts = [gettext(locale, RECORDS.get(table, N_("其他记录 %(n)s 条"))) % {"n": len(rows)}
              for table, rows in raw.items() if table != "members"]
    return {"name": (p.name if p else "") or ev.user_name or ev.user.id,
            "group": (ctx.group.name if ctx.group else "") or ev.chat_name or ev.chat.id,
            "stage": stage_label(p.lifecycle, locale) if p and p.lifecycle else "—",
            "messages": p.stats.messages if p else 0, "active_days": p.stats.active_days if p else 0,
            "first_seen": p.stats.first_seen if p else None, "tz": ctx.timezone,
            "tags": [t.name for t in shown_tags(p, locale)] if p else [],
            "attributes": [f"{k}={a.value}" for k, a in p.attributes.items()] if p else [],
            "counts": counts}


def router() -> Router:
    r = Router("privacy")
    r.observe(Message, consent)
    r.command(OPTOUT, optout)
    r.command(OPTIN, optin)
    r.command(FORGET, forget)
    r.command(MYDATA, mydata)
    return r
