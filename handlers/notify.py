"""Mass mentions of a saved segment: ``/segment NAME notify TEXT`` is a dry run (count, first names, the
batches it would send); the admin confirms with ``/segment confirm`` within ten minutes.

Sending @-mentions at most ``notify_batch`` members per message and ``notify_max_members`` in all; the outbox
paces delivery to the platform's limits. The cooldown is per member: whoever a mass mention @-mentioned is
left out of every mass mention in that group for ``notify_cooldown_minutes`` — however the segment is named
or written — and a notification with nobody left to mention is refused.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from bot.core.context import Context
from bot.core.events import Message, UserRef
from bot.core.outgoing import Mention, Outgoing, Part, Text
from bot.domain import insights, segments
from bot.domain.profiles import Profile
from bot.domain.tag_visibility import names_private_tag
from handlers.admin_reply import audit_admin

SHOWN = 10
CONFIRM_WINDOW_S = 600.0
MENTIONED_KEY = "notify_mentioned"  # group setting: {member id: when a mass mention last @-mentioned them}


def _pending_key(admin: str) -> str:
    return f"notify_pending:{admin}"


async def _members_of(ctx: Context, group: str, query: str, now: float) -> list[Profile]:
    try:
        return await insights.segment(ctx.repo, ctx.config, group, query, now)
    except segments.QueryError:
        return []


async def recently_mentioned(ctx: Context, group: str, now: float) -> dict[str, float]:
    """Members a mass mention @-mentioned within the cooldown, with when."""
    raw = await ctx.repo.settings.setting_value(group, MENTIONED_KEY)
    window = ctx.config.insights.notify_cooldown_minutes * 60
    return {m: float(at) for m, at in (json.loads(raw) if raw else {}).items() if now - float(at) < window}


def _shown_name(ctx: Context[Message], pending: dict[str, str]) -> str:
    """The segment's name as a reply may show it: in a group chat not when it (or its query) names an
    admins-only tag; "" then, and the reply says "the segment" without a name."""
    if ctx.event.is_private:
        return str(pending["segment"])
    said = f"{pending['segment']} {pending.get('query', '')}"
    return "" if names_private_tag(ctx.config, said) else str(pending["segment"])


def _split(found: Sequence[Profile], recent: dict[str, float], limit: int) -> tuple[list[Profile], int]:
    """(members to mention now, how many matching members are still cooling down)."""
    fresh = [p for p in found if p.member not in recent]
    return fresh[:limit], len(found) - len(fresh)


async def dry_run(ctx: Context[Message], group: str, name: str, query: str, text: str, now: float) -> str:
    """Store the pending notification and return the preview to show the admin."""
    ev = ctx.event
    found = await _members_of(ctx, group, query, now)
    cfg = ctx.config.insights
    reach, cooling = _split(found, await recently_mentioned(ctx, group, now), cfg.notify_max_members)
    batches = (len(reach) + cfg.notify_batch - 1) // cfg.notify_batch
    await ctx.repo.settings.set_setting(group, _pending_key(ev.user.id), json.dumps(
        {"segment": name, "query": query, "text": text, "at": now}, ensure_ascii=False))
    return ctx.render("notify_preview", ctx.locale, name=name, count=len(found), reach=len(reach), cooling=cooling,
                      batches=batches, names=[p.name or p.member for p in reach[:SHOWN]], text=text)


async def confirm(ctx: Context[Message], group: str, now: float) -> None:
    """Send the admin's pending notification to the members not cooling down, and remember them."""
    ev = ctx.event
    raw = await ctx.repo.settings.setting_value(group, _pending_key(ev.user.id))
    pending = json.loads(raw) if raw else None
    if pending is None or now - float(pending["at"]) > CONFIRM_WINDOW_S:
        await ctx.reply(ctx.render("notify_none", ctx.locale))
        return
    cfg = ctx.config.insights
    recent = await recently_mentioned(ctx, group, now)
    everyone = await _members_of(ctx, group, pending["query"], now)
    found, cooling = _split(everyone, recent, cfg.notify_max_members)
    if not found and cooling:
        first_free = min(recent[p.member] for p in everyone) + cfg.notify_cooldown_minutes * 60
        await ctx.reply(ctx.render("notify_cooldown", ctx.locale, name=_shown_name(ctx, pending), count=cooling,
                                   minutes=int((first_free - now) // 60) + 1))
        return
    for i in range(0, len(found), cfg.notify_batch):
        parts: list[Part] = [Text(pending["text"] + "\n")]
        for p in found[i:i + cfg.notify_batch]:
            parts += [Mention(UserRef.of(p.member), p.name), Text(" ")]
        await ctx.send(Outgoing(target=ev.chat, parts=tuple(parts)))
    await audit_admin(ctx, "notify", f"{pending['segment']}: {len(found)} members mentioned")
    await ctx.repo.settings.set_setting(group, _pending_key(ev.user.id), None)
    await ctx.repo.settings.set_setting(group, MENTIONED_KEY, json.dumps({**recent, **{p.member: now for p in found}}))
    await ctx.reply(ctx.render("notify_sent", ctx.locale, name=_shown_name(ctx, pending), count=len(found),
                               cooling=cooling))
