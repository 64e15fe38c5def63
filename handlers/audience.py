"""Admin commands on the group: /segment 分群, /persona 人群画像, /insights 洞察.

``/segment NAME notify TEXT`` and ``/segment confirm`` are mass mentions (``handlers.notify``).
"""

from __future__ import annotations

from collections import Counter

from bot.core.context import Context
from bot.core.events import Message
from bot.core.filters import is_admin
from bot.core.routing import CommandSpec, Router
from bot.domain import insights, personas, segments
from bot.domain.hours import best_hours
from handlers import notify
from handlers.admin_reply import answer_lookup
from handlers.member_admin import refusals

SEGMENT = CommandSpec("segment", ("分群", "人群"),
                      "分群查询：/segment 红酒&!tier=ordinary；/segment save 名称 查询；/segment list；"
                      "/segment 名称 notify 文本（先预览，再 /segment confirm 发送）", admin=True)
PERSONA = CommandSpec("persona", ("人群画像", "画像卡"), "人群画像卡：/persona 或 /persona 核心成员", admin=True)
INSIGHTS = CommandSpec("insights", ("洞察", "标签关联"), "标签关联、最佳推送时间、生命周期流动", admin=True)
SHOWN = 10
WEEK = 7 * 86400.0


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
                await _query_error(ctx, exc)
                return
            await ctx.repo.save_segment(group, words[1], words[2], ev.user.id, now)
            await ctx.reply(ctx.render("segment_saved", ctx.locale, name=words[1], query=words[2]))
        elif head in ("confirm", "确认"):
            await notify.confirm(ctx, group, now)
        elif len(words) >= 2 and words[1].casefold() in ("notify", "通知") and words[0] in saved:
            text = words[2] if len(words) > 2 else ""
            if not text.strip():
                await ctx.reply(ctx.render("usage", ctx.locale, usage=SEGMENT.help))
                return
            await answer_lookup(ctx, await notify.dry_run(ctx, group, words[0], saved[words[0]], text, now),
                                "notify_preview", words[0])
        else:
            query = saved.get(args, args)
            try:
                found = await insights.segment(ctx.repo, ctx.config, group, query, now)
            except segments.QueryError as exc:
                await _query_error(ctx, exc)
                return
            text = ctx.render("segment_result", ctx.locale, query=query, count=len(found),
                              names=[p.name or p.member for p in found[:SHOWN]],
                              best_hours=best_hours(found))
            await answer_lookup(ctx, text, "segment", f"{query[:200]}: {len(found)} members")

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
        await answer_lookup(ctx, "\n\n".join(ctx.render("persona", ctx.locale, c=c) for c in cards), "persona",
                            name or "")

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
                members = await segments.select_off_loop(segments.parse(query), profiles)
            except segments.QueryError:
                continue
            if len(members) >= ctx.config.insights.min_cell:
                seg_hours.append((name, best_hours(members)))
        moved = Counter((t.from_stage, t.to_stage) for t in await ctx.repo.lifecycle_transitions(group, now - WEEK))
        await ctx.reply(ctx.render("insights", ctx.locale, associations=data["associations"][:8],
                                   best_hours=data["best_hours"], segment_hours=seg_hours,
                                   moves=sorted(moved.items(), key=lambda kv: -kv[1]),
                                   min_support=ctx.config.insights.min_support))

    refusals(r, [SEGMENT, PERSONA, INSIGHTS])
    return r


async def _query_error(ctx: Context, exc: segments.QueryError) -> None:
    """The query's problem in the group's language, with its position."""
    await ctx.reply(ctx.render("query_error", ctx.locale, error=str(exc), code=exc.code, position=exc.position,
                               params=exc.params))
