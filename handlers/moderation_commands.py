"""Admin moderation commands: /warn 警告, /mute 禁言, /unmute 解禁, /kick 踢出, /modlog 管理记录.

The member is named as in every admin command (an @-mention, an id, or a unique name). Admins are never
the target. The warning, mute or removal is announced in the group; the admin's confirmation, and the log,
go to them privately where the platform allows. Where the platform cannot mute or remove, nothing is done
and the admin is told so.
"""

from __future__ import annotations

from bot.core.arguments import Maybe, Member, Text, Word
from bot.core.commands import CommandSpec
from bot.core.config.moderation import parse_duration
from bot.core.context import Context
from bot.core.events import Message, display_name
from bot.core.posting import post
from bot.core.routing import Router
from bot.core.usage import reply_usage
from bot.domain.moderation import labels
from handlers.admin_reply import answer_lookup, audit_admin
from handlers.member_ref import Target, resolve
from handlers.moderation_act import abilities, apply_step

MEMBER = Member("成员", "MEMBER")
REASON = Maybe(Text("原因", "REASON"))
DURATION = Word("时长（如 10m、2h、1d）", "DURATION (10m, 2h, 1d)")
WHO = Maybe(Member("成员", "MEMBER"))

WARN = CommandSpec("warn", ("警告",), "警告成员（计入处罚阶梯）", admin=True, args=(MEMBER, REASON))
MUTE = CommandSpec("mute", ("禁言",), "禁言成员一段时间（如 /禁言 @成员 10m）", admin=True, args=(MEMBER, DURATION))
UNMUTE = CommandSpec("unmute", ("解禁",), "解除成员的禁言", admin=True, args=(MEMBER,))
KICK = CommandSpec("kick", ("踢出",), "把成员移出本群", admin=True, args=(MEMBER,))
MODLOG = CommandSpec("modlog", ("管理记录",), "查看群管理记录（可指定成员，私信回复）", admin=True, args=(WHO,))


async def _target(ctx: Context[Message]) -> Target | None:
    """The member the command names, unless it names an admin (refused with a reply)."""
    who = await resolve(ctx, ctx.data[MEMBER])
    if who is None:
        return None
    admins = set(ctx.group.admins if ctx.group else ()) | set(ctx.config.defaults.admins)
    if who.member in admins or who.member == ctx.event.user.id:
        await ctx.reply(ctx.render("mod_not_admins", ctx.locale, who=who.label))
        return None
    return who


async def _confirm(ctx: Context[Message], text: str) -> None:
    """The admin's confirmation: privately where possible, else as a reply in the group."""
    if ctx.can_dm(ctx.event.user):
        await post(ctx, ctx.event.user, text)
    else:
        await ctx.reply(text)


async def _act(ctx: Context[Message], act: str, seconds: int = 0, reason: str = "") -> None:
    ev, group = ctx.event, ctx.group
    if group is None:
        return
    who = await _target(ctx)
    if who is None:
        return
    rung = 0
    if act == "warn":
        since = ctx.clock() - group.moderation.ladder_window_days * 86400
        rung = 1 + await ctx.repo.moderation.moderation_strikes(group.id, who.member, since, ("enforce", "admin"))
    if not await apply_step(ctx, group, who.member, who.name, act, seconds, "manual", rung):
        await ctx.reply(ctx.render("mod_unsupported", ctx.locale, action=labels.action(ctx.locale, act)))
        return
    if act in ("unmute", "kick"):  # an admin decided: a pending newcomer check no longer applies
        await ctx.repo.moderation.drop_captcha(group.id, who.member)
    await ctx.repo.moderation.record_moderation(group.id, who.member, ev.time, "manual", act, "admin", what=reason,
                                     seconds=seconds, actor=ev.user.id, strike=act == "warn")
    await audit_admin(ctx, f"mod_{act}", f"{who.member}" + (f": {reason}" if reason else ""))
    done = labels.action(ctx.locale, act, seconds)
    await _confirm(ctx, ctx.render("mod_done", ctx.locale, who=who.label, action=done, rung=rung))


async def warn(ctx: Context[Message]) -> None:
    await _act(ctx, "warn", reason=ctx.data[REASON] or "")


async def mute(ctx: Context[Message]) -> None:
    seconds = parse_duration(ctx.data[DURATION])
    if seconds is None:
        await reply_usage(ctx)
        return
    await _act(ctx, "mute", seconds)


async def unmute(ctx: Context[Message]) -> None:
    await _act(ctx, "unmute")


async def kick(ctx: Context[Message]) -> None:
    await _act(ctx, "kick")


async def modlog(ctx: Context[Message]) -> None:
    ev, loc = ctx.event, ctx.locale
    ref = ctx.data[WHO]
    who = await resolve(ctx, ref) if ref is not None else None
    if ref is not None and who is None:
        return
    entries = await ctx.repo.moderation.moderation_log(ev.chat.id, who.member if who else None, 20)
    tz = ctx.timezone
    admins = {a: await _name(ctx, a) for a in {e.actor for e in entries if e.actor}}
    rows = [{"at": labels.when(loc, e.at, tz), "name": display_name(e.name, e.member_id),
             "rule": labels.rule(loc, e.rule), "what": labels.what(loc, e.what) if e.rule != "manual" else e.what,
             "action": labels.action(loc, e.action, e.seconds), "mode": e.mode, "done": e.done,
             "by": admins.get(e.actor, "")} for e in entries]
    await answer_lookup(ctx, ctx.render("mod_log", loc, who=who.label if who else None, rows=rows,
                                        can=[labels.action(loc, a) for a in sorted(abilities(ctx, ev.chat))]),
                        "modlog", who.member if who else "group")


async def _name(ctx: Context[Message], member: str) -> str:
    found = await ctx.repo.members.find_members(ctx.event.chat.id, member, 1)
    return display_name(found[0][1] if found and found[0][0] == member else "", member)


def register(r: Router) -> None:
    """Add the admin moderation commands to the moderation router."""
    r.command(WARN, warn)
    r.command(MUTE, mute)
    r.command(UNMUTE, unmute)
    r.command(KICK, kick)
    r.command(MODLOG, modlog)
