"""Admin commands on the group: /segment 分群, /persona 人群画像, /insights 洞察.

``/segment NAME notify TEXT`` and ``/segment confirm`` are mass mentions (``handlers.notify``).
"""

from __future__ import annotations

from collections import Counter

from bot.core.arguments import Keyword, Maybe, Text, Word
from bot.core.commands import CommandSpec, Sub, bare
from bot.core.context import Context
from bot.core.events import Message
from bot.core.routing import Router
from bot.core.usage import reply_usage
from bot.domain import insights, personas, segments
from bot.domain.hours import best_hours
from handlers import notify
from handlers.admin_reply import answer_lookup

QUERY = Text("查询", "QUERY")
NAME = Word("名称", "NAME")
NOTICE = Maybe(Text("文本", "TEXT"))
PERSONA_NAME = Maybe(Text("画像名", "NAME"))
SEGMENT = CommandSpec("segment", ("分群", "人群"), "分群查询、保存分群、按分群 @ 成员", admin=True, subs=(
    Sub("list", ("列表",), "已保存的分群"),
    Sub("save", ("保存",), "保存分群，如 /分群 保存 红酒控 红酒&摄影", (NAME, QUERY)),
    Sub("confirm", ("确认",), "发送刚才预览的 @ 通知（十分钟内有效）"),
    bare("notify", "先预览要 @ 的成员，再用 /分群 确认 发送", NAME, Keyword("notify", "通知"), NOTICE),
    bare("query", "按查询或已保存的分群名找成员，如 /分群 红酒&摄影", QUERY),
))
PERSONA = CommandSpec("persona", ("人群画像", "画像卡"), "人群画像卡：不写名称列出全部，写名称看详情",
                      admin=True, args=(PERSONA_NAME,))
INSIGHTS = CommandSpec("insights", ("洞察", "标签关联"), "标签关联、最佳推送时间、生命周期流动", admin=True)
SHOWN = 10
WEEK = 7 * 86400.0


async def segment_list(ctx: Context[Message]) -> None:
    saved = await ctx.repo.profiles.saved_segments(ctx.event.chat.id)
    await ctx.reply(ctx.render("segment_list", ctx.locale, saved=saved))


async def segment_save(ctx: Context[Message]) -> None:
    ev = ctx.event
    name, query = ctx.data[NAME], ctx.data[QUERY]
    try:
        segments.parse(query)
    except segments.QueryError as exc:
        await _query_error(ctx, exc)
        return
    await ctx.repo.profiles.save_segment(ev.chat.id, name, query, ev.user.id, ctx.clock())
    await ctx.reply(ctx.render("segment_saved", ctx.locale, name=name, query=query))


async def segment_confirm(ctx: Context[Message]) -> None:
    await notify.confirm(ctx, ctx.event.chat.id, ctx.clock())


async def segment_notify(ctx: Context[Message]) -> None:
    """``/segment NAME notify TEXT`` of a saved segment: the dry run. With no segment of that name the
    words are a query, as they always were."""
    group, now = ctx.event.chat.id, ctx.clock()
    saved = await ctx.repo.profiles.saved_segments(group)
    name = ctx.data[NAME]
    if name not in saved:
        await _run_query(ctx, ctx.command.args if ctx.command else name, saved)
        return
    text = ctx.data[NOTICE]
    if not text:
        await reply_usage(ctx)
        return
    await answer_lookup(ctx, await notify.dry_run(ctx, group, name, saved[name], text, now), "notify_preview", name)


async def segment_query(ctx: Context[Message]) -> None:
    await _run_query(ctx, ctx.data[QUERY], await ctx.repo.profiles.saved_segments(ctx.event.chat.id))


async def _run_query(ctx: Context[Message], args: str, saved: dict[str, str]) -> None:
    group, now = ctx.event.chat.id, ctx.clock()
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


async def persona(ctx: Context[Message]) -> None:
    ev = ctx.event
    name = ctx.data[PERSONA_NAME]
    cards = await personas.personas(ctx.repo, ctx.config, ev.chat.id, ctx.clock(), ctx.locale, only=name)
    if name is None or not cards:
        await ctx.reply(ctx.render("persona_list", ctx.locale, cards=cards, asked=name,
                                   min_cell=ctx.config.insights.min_cell))
        return
    await answer_lookup(ctx, "\n\n".join(ctx.render("persona", ctx.locale, c=c) for c in cards), "persona",
                        name or "")


async def insights_(ctx: Context[Message]) -> None:
    ev = ctx.event
    group, now = ev.chat.id, ctx.clock()
    data = await insights.insights(ctx.repo, ctx.config, group, now)
    profiles = await insights.group_profiles(ctx.repo, ctx.config, group, now)
    seg_hours = []
    for name, query in (await ctx.repo.profiles.saved_segments(group)).items():
        try:
            members = await segments.select_off_loop(segments.parse(query), profiles)
        except segments.QueryError:
            continue
        if len(members) >= ctx.config.insights.min_cell:
            seg_hours.append((name, best_hours(members)))
    since = now - WEEK
    moved = Counter((t.from_stage, t.to_stage) for t in await ctx.repo.profiles.lifecycle_transitions(group, since))
    await ctx.reply(ctx.render("insights", ctx.locale, associations=data["associations"][:8],
                               best_hours=data["best_hours"], segment_hours=seg_hours,
                               moves=sorted(moved.items(), key=lambda kv: -kv[1]),
                               min_support=ctx.config.insights.min_support, answers=data["answers"]))


def router() -> Router:
    r = Router("audience")
    r.command(SEGMENT, {"list": segment_list, "save": segment_save, "confirm": segment_confirm,
                        "notify": segment_notify, "query": segment_query})
    r.command(PERSONA, persona)
    r.command(INSIGHTS, insights_)
    return r


async def _query_error(ctx: Context[Message], exc: segments.QueryError) -> None:
    """The query's problem in the group's language, with its position."""
    await ctx.reply(ctx.render("query_error", ctx.locale, error=str(exc), code=exc.code, position=exc.position,
                               params=exc.params))
