"""Broadcasts (定时群发) in chat and their delivery; 退订 / 订阅 as bare words.

``/群发 内容`` (admins) previews, privately where the platform allows: lines ``【分群】文案`` are variants (a
member gets the first matching one), the other lines the copy for everyone else; a first line that is only a
time (``20:30`` or ``2026-12-01 20:30``, group local time) schedules it. ``/群发 确认`` within ten minutes
sends (or queues) it, ``/群发 取消`` drops it. Each member is reached privately where the platform can
message them, else @-mentioned in one post per variant in the group; the outbox paces both.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from bot.core.arguments import Text as TextArg
from bot.core.commands import ANYWHERE, CommandSpec, Sub, bare
from bot.core.config import GroupConfig
from bot.core.context import Context
from bot.core.events import ChatRef, Message, UserRef, display_name
from bot.core.filters import BareWords
from bot.core.jobs import Jobs, MinuteJob
from bot.core.outgoing import Mention, Outgoing, Part, Text
from bot.core.routing import Router
from bot.core.timeutil import zone
from bot.domain import broadcasts as bc
from bot.domain import pushes
from handlers.admin_reply import answer_lookup, audit_admin

CONTENT = TextArg("内容", "TEXT")
BROADCAST = CommandSpec("broadcast", ("群发",), "定时群发：按分群发不同文案，私信优先，先预览再确认", admin=True, subs=(
    Sub("confirm", ("确认",), "发出刚才预览的群发（十分钟内有效）"),
    Sub("cancel", ("取消",), "放弃刚才预览的群发"),
    bare("draft", "预览群发：每行【分群】文案，其余行发给其他人；第一行可写时间如 20:30", CONTENT),
))
UNSUBSCRIBE = CommandSpec("unsubscribe", ("退订",), "不再接收群发消息（也可以直接发“退订”两个字）", chat=ANYWHERE)
SUBSCRIBE = CommandSpec("subscribe", ("订阅",), "恢复接收群发消息", chat=ANYWHERE)
OPT_OUT, OPT_IN = ("退订", "unsubscribe"), ("订阅", "subscribe")
CONFIRM_WINDOW_S = 600.0
SHOWN = 5
log = logging.getLogger("quntag.broadcasts")
_TIME = re.compile(r"^(?:(\d{4}-\d{2}-\d{2})\s++)?(\d{1,2}):(\d{2})$")  # possessive: no backtracking


def _pending_key(admin: str) -> str:
    return f"broadcast_pending:{admin}"


def send_time(line: str, now: float, tz: str) -> float | None:
    """``HH:MM`` (today, or tomorrow once passed) or ``YYYY-MM-DD HH:MM`` in the group's zone; None when the
    line is no time. Raises ValueError for an impossible one."""
    m = _TIME.match(line.strip())
    if m is None:
        return None
    h, mi = int(m.group(2)), int(m.group(3))
    local = datetime.fromtimestamp(now, zone(tz))
    try:
        day = date.fromisoformat(m.group(1)) if m.group(1) else local.date()
        at = datetime(day.year, day.month, day.day, h, mi, tzinfo=zone(tz))
    except ValueError:
        raise ValueError(f"没有“{line.strip()}”这个时间") from None
    if not m.group(1) and at.timestamp() < now:
        at += timedelta(days=1)
    if at.timestamp() < now - 60:
        raise ValueError(f"{line.strip()} 已经过去了")
    return at.timestamp()


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a broadcast went in one group."""

    private: int
    mentioned: int
    unsubscribed: int
    capped: int


async def deliver(ctx: Context, group: GroupConfig, broadcast_id: int, spec: bc.Spec) -> Outcome:
    """Send one broadcast in one group now: privately where possible, else @-mentions in the group."""
    now = ctx.clock()
    try:
        aud = await bc.audience(ctx.repo, ctx.config, group.id, spec, now, ctx.config.broadcasts.max_per_week)
    except bc.SpecError as exc:  # a saved segment it names was changed since: sent to nobody, never retried
        log.warning("broadcast %s in %s not sent: %s", broadcast_id, group.id, exc)
        await ctx.repo.broadcasts.mark_sent(broadcast_id, now, json.dumps({"error": str(exc)}, ensure_ascii=False))
        return Outcome(0, 0, 0, 0)
    chat, batch = ChatRef.of(group.id), max(1, ctx.config.insights.notify_batch)
    reached: list[tuple[str, str]] = []
    for variant, members in zip(spec.variants, aud.reached, strict=True):
        in_group = []
        for p in members:
            user = UserRef.of(p.member)
            if ctx.can_dm(user):
                await ctx.send(Outgoing(target=user, parts=(Text(variant.text),)))
                reached.append((p.member, "private"))
            else:
                in_group.append(p)
        for i in range(0, len(in_group), batch):
            parts: list[Part] = [Text(variant.text + "\n")]
            for p in in_group[i:i + batch]:
                parts += [Mention(UserRef.of(p.member), display_name(p.name, p.member)), Text(" ")]
            await ctx.send(Outgoing(target=chat, parts=tuple(parts)))
        reached += [(p.member, "mention") for p in in_group]
    await ctx.repo.broadcasts.record_deliveries(broadcast_id, group.id, reached, spec.batch)
    if reached:
        await pushes.record(ctx.repo, group.id, "broadcast", now, group.timezone)
    outcome = Outcome(sum(1 for _m, h in reached if h == "private"), sum(1 for _m, h in reached if h == "mention"),
                      aud.unsubscribed, aud.capped)
    await ctx.repo.broadcasts.mark_sent(broadcast_id, now, json.dumps(asdict(outcome)))
    return outcome


async def preview(ctx: Context, group: GroupConfig, spec: bc.Spec, send_at: float) -> str:
    """The preview text: per variant how many are reached privately and in the group, and who is left out."""
    now = ctx.clock()
    aud = await bc.audience(ctx.repo, ctx.config, group.id, spec, now, ctx.config.broadcasts.max_per_week)
    rows = []
    for v, members in zip(spec.variants, aud.reached, strict=True):
        dm = sum(1 for p in members if ctx.can_dm(UserRef.of(p.member)))
        rows.append({"segment": v.segment, "text": v.text, "private": dm, "mention": len(members) - dm,
                     "names": [display_name(p.name, p.member) for p in members[:SHOWN]]})
    when = datetime.fromtimestamp(send_at, zone(group.timezone)).strftime("%Y-%m-%d %H:%M") \
        if send_at > now + 60 else ""
    return ctx.render("broadcast_preview", group.locale, rows=rows, total=aud.total, segment=spec.segment,
                      unsubscribed=aud.unsubscribed, capped=aud.capped, when=when)


async def draft(ctx: Context[Message]) -> None:
    ev = ctx.event
    assert ctx.group is not None
    now, text = ctx.clock(), ctx.data[CONTENT]
    first, _, rest = text.strip().partition("\n")
    try:
        at = send_time(first, now, ctx.group.timezone)
        spec = bc.parse_chat(rest if at is not None else text)
        shown = await preview(ctx, ctx.group, spec, at or now)
    except (ValueError, bc.SpecError) as exc:
        await _answer(ctx, ctx.render("broadcast_status", ctx.locale, kind="bad", error=str(exc)))
        return
    await ctx.repo.settings.set_setting(ev.chat.id, _pending_key(ev.user.id), json.dumps(
        {"spec": spec.to_json(), "send_at": at or now, "at": now}, ensure_ascii=False))
    await answer_lookup(ctx, shown, "broadcast_preview", f"{len(spec.variants)} variants")


async def confirm(ctx: Context[Message]) -> None:
    ev = ctx.event
    assert ctx.group is not None
    now, key = ctx.clock(), _pending_key(ev.user.id)
    raw = await ctx.repo.settings.setting_value(ev.chat.id, key)
    pending = json.loads(raw) if raw else None
    if pending is None or now - float(pending["at"]) > CONFIRM_WINDOW_S:
        await _answer(ctx, ctx.render("broadcast_status", ctx.locale, kind="none"))
        return
    await ctx.repo.settings.set_setting(ev.chat.id, key, None)
    spec = bc.spec_from(json.loads(pending["spec"]))
    send_at = max(float(pending["send_at"]), now)
    bid = await ctx.repo.broadcasts.add_broadcast(ev.chat.id, ev.user.id, send_at, spec.to_json())
    await audit_admin(ctx, "broadcast", f"#{bid} at {int(send_at)}")
    if send_at > now + 60:
        when = datetime.fromtimestamp(send_at, zone(ctx.group.timezone)).strftime("%Y-%m-%d %H:%M")
        await _answer(ctx, ctx.render("broadcast_status", ctx.locale, kind="queued", when=when))
        return
    out = await deliver(ctx, ctx.group, bid, spec)
    await _answer(ctx, ctx.render("broadcast_status", ctx.locale, kind="sent", private=out.private,
                               mentioned=out.mentioned, unsubscribed=out.unsubscribed, capped=out.capped))


async def cancel(ctx: Context[Message]) -> None:
    await ctx.repo.settings.set_setting(ctx.event.chat.id, _pending_key(ctx.event.user.id), None)
    await _answer(ctx, ctx.render("broadcast_status", ctx.locale, kind="cancelled"))


async def _answer(ctx: Context[Message], text: str) -> None:
    """An admin's broadcast status: privately where possible, else in the group (it holds only counts)."""
    await ctx.reply_private(text, notice=text)


async def unsubscribe(ctx: Context[Message]) -> None:
    """The bare word 退订 (or 订阅 to undo it), or ``/退订`` / ``/订阅``, in a group or privately."""
    ev = ctx.event
    if ctx.command is not None:
        out = ctx.command.name.casefold() in UNSUBSCRIBE.names
    else:
        out = ev.text.strip().casefold().startswith(OPT_OUT)
    await ctx.repo.broadcasts.set_optout("private" if ev.is_private else ev.chat.id, ev.user.id, out)
    await ctx.reply(ctx.render("broadcast_status", ctx.locale, kind="unsubscribed" if out else "subscribed"))


async def send_due(jobs: Jobs, ctx: Context, group: GroupConfig) -> None:
    """Every minute: send the group's broadcasts whose time has come (each once), and measure bot posts whose
    two-hour window has closed."""
    for bid, send_at, raw in await ctx.repo.broadcasts.due_broadcasts(group.id, ctx.clock()):
        spec = bc.spec_from(json.loads(raw))

        async def send(c: Context, g: GroupConfig, bid: int = bid, spec: bc.Spec = spec) -> None:
            await deliver(c, g, bid, spec)
        await jobs.run(group, f"broadcast:{bid}", send_at, send)
    await pushes.finalize(ctx.repo, group.id, ctx.clock())


def router() -> Router:
    r = Router("broadcasts")
    r.command(BROADCAST, {"confirm": confirm, "cancel": cancel, "draft": draft})
    r.command(UNSUBSCRIBE, unsubscribe)
    r.command(SUBSCRIBE, unsubscribe)
    r.message(unsubscribe, BareWords({*OPT_OUT, *OPT_IN}))
    return r


BROADCASTS = MinuteJob("broadcasts", send_due)
