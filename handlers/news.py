"""News for the next morning report, queued in chat: ``/news add|list|rm`` (``/资讯 添加|列表|删除``)."""

from __future__ import annotations

from bot.core.arguments import Integer, Text
from bot.core.commands import CommandSpec, Sub
from bot.core.context import Context
from bot.core.events import Message
from bot.core.routing import Router
from bot.core.usage import numbered
from bot.domain.news_queue import BadNews, checked

INDEX = Integer("序号", "N")
CONTENT = Text("内容", "TEXT")
NEWS = CommandSpec("news", ("资讯", "新闻"), "早报资讯：下一期早报带上的消息", admin=True, default="list", subs=(
    Sub("add", ("添加", "加"), "加一条资讯", (CONTENT,)),  # a leading 2026-12-01 holds it for that day
    Sub("list", ("列表", "ls"), "待发的资讯"),
    Sub("rm", ("del", "删除", "移除"), "删除第几条资讯", (INDEX,)),
))


def _dated(text: str) -> tuple[str | None, str]:
    """``2026-12-01 周五品鉴会`` → (that date, the rest); text without a leading date is queued as it is."""
    first, _sep, rest = text.partition(" ")
    try:
        if rest.strip():
            return checked(rest, first)[1], rest.strip()
    except BadNews:
        pass
    return None, text


async def news_add(ctx: Context[Message]) -> None:
    ev = ctx.event
    items = await ctx.repo.news.pending_news(ev.chat.id)
    day, text = _dated(ctx.data[CONTENT])
    await ctx.repo.news.add_news(ev.chat.id, text, ev.user.id, day, source="chat")
    await ctx.reply(ctx.render("ops", ctx.locale, kind="news_added", count=len(items) + 1, text=text, day=day))


async def news_list(ctx: Context[Message]) -> None:
    items = await ctx.repo.news.pending_news(ctx.event.chat.id)
    await ctx.reply(ctx.render("ops", ctx.locale, kind="news_list", items=[t for _i, t in items]))


async def news_rm(ctx: Context[Message]) -> None:
    ev = ctx.event
    item = await numbered(ctx, INDEX, await ctx.repo.news.pending_news(ev.chat.id))
    if item is not None:
        await ctx.repo.news.remove_news(ev.chat.id, item[0])
        await ctx.reply(ctx.render("ops", ctx.locale, kind="news_removed", text=item[1]))


def router() -> Router:
    r = Router("news")
    r.command(NEWS, {"add": news_add, "list": news_list, "rm": news_rm})
    return r
