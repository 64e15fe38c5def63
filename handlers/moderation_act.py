"""Carrying out a moderation decision: the ladder rung, the platform actions, the public notice, the log.

``observe`` decides and reports to the admins privately, acting on nothing; ``enforce`` deletes the message
and applies the rung where the adapter's capabilities allow, and tells the admins privately what it could
not do (the platform lacks the action). Every decision goes to the moderation log and the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.config import GroupConfig
from bot.core.context import Context
from bot.core.events import ChatRef, UserRef, display_name
from bot.core.outgoing import ModAction, Outgoing
from bot.core.posting import mentions_for, notify_admins, post
from bot.domain.moderation import labels
from bot.domain.moderation.ladder import is_newcomer, step_for


@dataclass(frozen=True, slots=True)
class Verdict:
    """A violation: who, where, which rule and what was seen; ``message_id`` is the message to delete."""

    group: GroupConfig
    member: str
    name: str
    rule: str
    what: str = ""
    message_id: str = ""


def abilities(ctx: Context, chat: ChatRef) -> frozenset[str]:
    """The moderation actions the group's adapter can carry out."""
    caps = ctx.capabilities.get(chat.adapter)
    return caps.moderation if caps else frozenset()


async def do(ctx: Context, chat: ChatRef, action: ModAction) -> None:
    """Queue one platform action (through the outbox, after this event commits)."""
    await ctx.send(Outgoing(target=chat, parts=(), action=action))


async def announce(ctx: Context, group: GroupConfig, template: str, member: str, name: str, **data: object) -> None:
    """A public notice in the group that @-mentions the member."""
    ms, tokens = mentions_for([(member, name)])
    await post(ctx, ChatRef.of(group.id), ctx.render(template, group.locale, who=tokens[0], **data), ms)


async def report(ctx: Context, group: GroupConfig, v: Verdict, act: str, seconds: int, rung: int,
                 observed: bool, missing: tuple[str, ...] = ()) -> None:
    """Tell the group's admins privately what was decided (observe), or what the platform could not do."""
    loc = group.locale
    await notify_admins(ctx, group, ctx.render(
        "mod_report", loc, group=group.name or group.id, name=display_name(v.name, v.member),
        ref=v.member.partition(":")[2], rule=labels.rule(loc, v.rule), what=labels.what(loc, v.what),
        action=labels.action(loc, act, seconds), rung=rung, rungs=len(group.moderation.ladder), observed=observed,
        missing=[labels.action(loc, m) for m in missing], at=labels.when(loc, ctx.clock(), group.timezone)))


async def decide(ctx: Context, v: Verdict) -> None:
    """Apply the ladder to a violation as the group's mode says."""
    g, cfg, now = v.group, v.group.moderation, ctx.clock()
    since, messages, strikes = await ctx.repo.moderation.ladder_facts(
        g.id, v.member, now - cfg.ladder_window_days * 86400, (cfg.mode,))
    rung, step = step_for(cfg, strikes, is_newcomer(cfg, since, messages, now), v.rule)
    detail = f"{v.member}: {v.rule} {v.what} → {step.action}"
    if cfg.mode == "observe":
        await ctx.repo.moderation.record_moderation(g.id, v.member, now, v.rule, step.action, "observe", what=v.what,
                                         seconds=step.seconds, strike=True, done=False, message_id=v.message_id)
        await ctx.repo.privacy.audit("moderation", "mod_observe", g.id, detail)
        await report(ctx, g, v, step.action, step.seconds, rung, observed=True)
        return
    chat, can = ChatRef.of(g.id), abilities(ctx, ChatRef.of(g.id))
    missing: list[str] = []
    if v.message_id:
        if "delete" in can:
            await do(ctx, chat, ModAction("delete", message_id=v.message_id))
        else:
            missing.append("delete")
    done = await apply_step(ctx, g, v.member, v.name, step.action, step.seconds, v.rule, rung)
    if not done:
        missing.append(step.action)
    await ctx.repo.moderation.record_moderation(g.id, v.member, now, v.rule, step.action, "enforce", what=v.what,
                                     seconds=step.seconds, strike=True, done=done, message_id=v.message_id)
    await ctx.repo.privacy.audit("moderation", "mod_enforce", g.id, detail + ("" if done else " (admins notified)"))
    if missing:
        await report(ctx, g, v, step.action, step.seconds, rung, observed=False, missing=tuple(missing))


async def apply_step(ctx: Context, g: GroupConfig, member: str, name: str, act: str, seconds: int, rule: str,
                     rung: int = 0) -> bool:
    """Warn, mute or remove a member with a public notice; False when the platform cannot (nothing done)."""
    chat, loc = ChatRef.of(g.id), g.locale
    if act != "warn" and act not in abilities(ctx, chat):
        return False
    if act in ("mute", "kick", "unmute"):
        await do(ctx, chat, ModAction(act, user=UserRef.of(member), seconds=seconds))
    await announce(ctx, g, f"mod_{act}", member, name, rule=labels.rule(loc, rule), manual=rule == "manual",
                   duration=labels.duration(loc, seconds) if seconds else "", rung=rung,
                   rungs=len(g.moderation.ladder))
    return True
