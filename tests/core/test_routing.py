"""Routers register handlers per event kind; a command route runs the typed subcommand's handler or answers
with the usage; handlers are plain module-level functions that can be called alone."""

from __future__ import annotations

import pytest

from bot.core.arguments import Text
from bot.core.commands import INVOCATION, CommandSpec, Sub
from bot.core.events import ChatRef, JoinRequest, MemberJoined, Message, UserRef
from bot.core.filters import IS_PRIVATE
from bot.core.routing import CommandFilter, CommandRoute, Router
from handlers import basics
from tests.core._dispatch_helpers import NOW, base, for_message, msg

CONTENT = Text("内容", "TEXT")
NEWS = CommandSpec("news", ("资讯",), "早报资讯", default="list", subs=(
    Sub("add", ("添加",), "加一条资讯", (CONTENT,)), Sub("list", ("列表",), "待发的资讯")))


async def noop(ctx) -> None:
    return None


def test_registration_is_per_event_kind_and_in_order():
    r = Router("demo")
    r.message(noop, IS_PRIVATE)
    r.member_joined(noop)
    r.join_request(noop)
    r.command(NEWS, {"add": noop, "list": noop})
    r.observe(Message, noop, private=True)
    assert [route.kind for route in r.routes] == [Message, MemberJoined, JoinRequest, Message]
    assert [route.name for route in r.routes][-1] == "/news" and r.commands == [NEWS]
    assert r.observers[0].kind is Message and r.observers[0].private


def test_a_route_matches_only_its_event_kind(tmp_path):
    r = Router("demo")
    r.member_joined(noop)
    ctx = base(tmp_path)
    joined = ctx.for_event(None, MemberJoined("j", ChatRef("generic", "g-1"), UserRef("generic", "u-1"), NOW), None)
    assert r.routes[0].match(joined) is not None
    assert r.routes[0].match(for_message(ctx, msg("你好"))) is None


def test_a_handler_table_must_cover_every_subcommand_exactly():
    with pytest.raises(ValueError, match="subcommands"):
        Router("demo").command(NEWS, {"add": noop})
    with pytest.raises(ValueError, match="subcommands"):
        Router("demo").command(NEWS, {"add": noop, "list": noop, "rm": noop})


def test_the_command_filter_hands_over_the_invocation_and_arguments(tmp_path):
    data = CommandFilter(NEWS).check(for_message(base(tmp_path), msg("/资讯 添加 周六聚会")))
    assert data is not None and data[INVOCATION].sub.name == "add" and data[CONTENT] == "周六聚会"
    assert CommandFilter(NEWS).check(for_message(base(tmp_path), msg("/me"))) is None
    assert CommandFilter(NEWS).check(for_message(base(tmp_path), msg("资讯"))) is None


async def test_the_command_route_runs_the_typed_subcommand_or_answers_with_the_usage(tmp_path):
    ran: list[str] = []

    async def add(ctx) -> None:
        ran.append(ctx.data[CONTENT])

    async def listing(ctx) -> None:
        ran.append("list")

    route = CommandRoute(NEWS, {"add": add, "list": listing})

    async def run(text: str):
        ctx = for_message(base(tmp_path), msg(text))
        ctx.data = CommandFilter(NEWS).check(ctx)
        await route(ctx)
        return ctx.texts

    assert await run("/news add 周六聚会") == [] and await run("/news") == [] and ran == ["周六聚会", "list"]
    assert await run("/news add") == ["用法：/news add 内容（加一条资讯）"] and len(ran) == 2


async def test_a_feature_handler_can_be_called_alone(tmp_path):
    ctx = for_message(base(tmp_path), msg("/id", "u-3"))
    await basics.id_(ctx)
    assert ctx.texts == ["本群编号：generic:g-1\n你的成员编号：generic:u-3"]
    private = for_message(base(tmp_path), msg("/id", "u-3", private=True))
    await basics.id_(private)
    assert private.texts == ["你的成员编号：generic:u-3"] and private.sent[0].target == UserRef("generic", "u-3")
