"""Admin commands on the group: /segment 分群, /persona 人群画像, /insights 洞察.

``/segment NAME notify TEXT`` is a dry run (count, first names, the batches it would send); the admin
confirms with ``/segment confirm`` within ten minutes. Sending @-mentions at most ``notify_batch`` members
per message and ``notify_max_members`` in all, once per segment per ``notify_cooldown_minutes``; the outbox
paces delivery to the platform's limits.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from bot.core.context import Context
from bot.core.events import Message, UserRef
from bot.core.filters import is_admin
from bot.core.outgoing import Mention, Outgoing, Part, Text
from bot.core.routing import CommandSpec, Router
from bot.domain import insights, personas, segments
from handlers.member_admin import refusals

SEGMENT = CommandSpec("segment", ("分群", "人群"),
                      "分群查询：/segment 红酒&!tier=ordinary；/segment save 名称 查询；/segment list；"
                      "/segment 名称 notify 文本（先预览，再 /segment confirm 发送）", admin=True)
PERSONA = CommandSpec("persona", ("人群画像", "画像卡"), "人群画像卡：/persona 或 /persona 核心成员", admin=True)
INSIGHTS = CommandSpec("insights", ("洞察", "标签关联"), "标签关联、最佳推送时间、生命周期流动", admin=True)
SHOWN = 10
CONFIRM_WINDOW_S = 600.0
WEEK = 7 * 86400.0


def _pending_key(admin: str) -> str:
    return f"notify_pending:{admin}"


def router() -> Router:
    r = Router("admin_insights")

    @r.command(SEGMENT, is_admin)
    async def segment(ctx: Context) -> None:
        ev = ctx.event
        assert isinstance(ev, Message) and ctx.command is not None
        group, now, args = ev.chat.id, ctx.clock(), ctx.command.args.strip()
        words = args.split(maxsplit=2)
        head = words[0].casefold() if words else ""
        saved = await ctx.repo.saved_segments(group)
        if not args:
            await ctx.reply(ctx.render("usage", ctx.locale, usage=SEGMENT.help))
        elif head in ("list", "列表"):
            await ctx.reply(ctx.render("segment_list", ctx.locale, saved=saved))
        elif head in ("save", "保存"):
            if len(words) < 3:
                await ctx.reply(ctx.render("usage", ctx.locale, usage=SEGMENT.help))
                return
            try:
                segments.parse(words[2])
            except segments.QueryError as exc:
                await ctx.reply(ctx.render("query_error", ctx.locale, error=str(exc)))
                return
            await ctx.repo.save_segment(group, words[1], words[2], ev.user.id, now)
            await ctx.reply(ctx.render("segment_saved", ctx.locale, name=words[1], query=words[2]))
        elif head in ("confirm", "确认"):
            await _confirm(ctx, group, now)
        elif len(words) >= 2 and words[1].casefold() in ("notify", "通知") and words[0] in saved:
            await _dry_run(ctx, group, words[0], saved[words[0]], words[2] if len(words) > 2 else "", now)
        else:
            query = saved.get(args, args)
            try:
                found = await insights.segment(ctx.repo, ctx.config, group, query, now)
            except segments.QueryError as exc:
                await ctx.reply(ctx.render("query_error", ctx.locale, error=str(exc)))
                return
            await ctx.reply(ctx.render("segment_result", ctx.locale, query=query, count=len(found),
                                       names=[p["name"] or p["member"] for p in found[:SHOWN]],
                                       best_hours=insights.best_hours(found)))

    @r.command(PERSONA, is_admin)
    async def persona(ctx: Context) -> None:
        ev = ctx.event
        assert isinstance(ev, Message) and ctx.command is not None
        name = ctx.command.args.strip() or None
        cards = await personas.personas(ctx.repo, ctx.config, ev.chat.id, ctx.clock(), ctx.locale, only=name)
        if name is None or not cards:
            await ctx.reply(ctx.render("persona_list", ctx.locale, cards=cards, asked=name,
                                       min_cell=ctx.config.insights.min_cell))
            return
        await ctx.reply("\n\n".join(ctx.render("persona", ctx.locale, c=c) for c in cards))

    @r.command(INSIGHTS, is_admin)
    async def insights_(ctx: Context) -> None:
        ev = ctx.event
        assert isinstance(ev, Message)
        group, now = ev.chat.id, ctx.clock()
        data = await insights.insights(ctx.repo, ctx.config, group, now)
        profiles = await insights.group_profiles(ctx.repo, ctx.config, group, now)
        seg_hours = []
        for name, query in (await ctx.repo.saved_segments(group)).items():
            try:
                members = segments.select(segments.parse(query), profiles)
            except segments.QueryError:
                continue
            if len(members) >= ctx.config.insights.min_cell:
                seg_hours.append((name, insights.best_hours(members)))
        moved = Counter((t.from_stage, t.to_stage) for t in await ctx.repo.lifecycle_transitions(group, now - WEEK))
        await ctx.reply(ctx.render("insights", ctx.locale, associations=data["associations"][:8],
                                   best_hours=data["best_hours"], segment_hours=seg_hours,
                                   moves=sorted(moved.items(), key=lambda kv: -kv[1]),
                                   min_support=ctx.config.insights.min_support))

    refusals(r, [SEGMENT, PERSONA, INSIGHTS])
    return r


async def _members_of(ctx: Context, group: str, query: str, now: float) -> list[dict[str, Any]]:
    try:
        return await insights.segment(ctx.repo, ctx.config, group, query, now)
    except segments.QueryError:
        return []


async def _dry_run(ctx: Context, group: str, name: str, query: str, text: str, now: float) -> None:
    ev = ctx.event
    assert isinstance(ev, Message)
    if not text.strip():
        await ctx.reply(ctx.render("usage", ctx.locale, usage=SEGMENT.help))
        return
    found = await _members_of(ctx, group, query, now)
    cfg = ctx.config.insights
    reach = found[:cfg.notify_max_members]
    batches = (len(reach) + cfg.notify_batch - 1) // cfg.notify_batch
    await ctx.repo.set_intel_setting(group, _pending_key(ev.user.id), json.dumps(
        {"segment": name, "query": query, "text": text, "at": now}, ensure_ascii=False))
    await ctx.reply(ctx.render("notify_preview", ctx.locale, name=name, count=len(found), reach=len(reach),
                               batches=batches, names=[p["name"] or p["member"] for p in reach[:SHOWN]], text=text))


async def _confirm(ctx: Context, group: str, now: float) -> None:
    ev = ctx.event
    assert isinstance(ev, Message)
    raw = await ctx.repo.intel_setting(group, _pending_key(ev.user.id))
    pending = json.loads(raw) if raw else None
    if pending is None or now - float(pending["at"]) > CONFIRM_WINDOW_S:
        await ctx.reply(ctx.render("notify_none", ctx.locale))
        return
    cfg = ctx.config.insights
    last_key = f"notify_last:{pending['segment']}"
    last = await ctx.repo.intel_setting(group, last_key)
    if last is not None and now - float(last) < cfg.notify_cooldown_minutes * 60:
        wait = int((cfg.notify_cooldown_minutes * 60 - (now - float(last))) // 60) + 1
        await ctx.reply(ctx.render("notify_cooldown", ctx.locale, name=pending["segment"], minutes=wait))
        return
    found = (await _members_of(ctx, group, pending["query"], now))[:cfg.notify_max_members]
    for i in range(0, len(found), cfg.notify_batch):
        parts: list[Part] = [Text(pending["text"] + "\n")]
        for p in found[i:i + cfg.notify_batch]:
            parts += [Mention(UserRef.of(p["member"]), p["name"]), Text(" ")]
        await ctx.send(Outgoing(target=ev.chat, parts=tuple(parts)))
    await ctx.repo.set_intel_setting(group, _pending_key(ev.user.id), None)
    await ctx.repo.set_intel_setting(group, last_key, repr(now))
    await ctx.reply(ctx.render("notify_sent", ctx.locale, name=pending["segment"], count=len(found)))
