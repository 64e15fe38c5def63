"""The dispatcher: observers see every event, the first matching handler wins behind the middlewares, and an
exception in one observer or handler is logged with adapter and event id without stopping the others."""

from __future__ import annotations

import logging

from bot.core.commands import CATALOGUE, CommandSpec
from bot.core.data import Data, Key
from bot.core.dispatch import Dispatcher
from bot.core.events import ChatRef, MemberJoined, Message, UserRef
from bot.core.filters import Filter, Where
from bot.core.routing import Router
from tests.core._dispatch_helpers import NOW, base, for_message, msg

WORD: Key[str] = Key("word")
PING = CommandSpec("ping", ("乒",), "回一声")


class Starts(Filter):
    """Messages starting with ``prefix``; hands over the rest."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def check(self, ctx):
        text = ctx.event.text
        return Data.of(WORD, text[len(self.prefix):]) if text.startswith(self.prefix) else None


def recorder(log: list[str], name: str):
    async def run(ctx) -> None:
        log.append(name)
    return run


def failing(log: list[str], name: str):
    async def run(ctx) -> None:
        log.append(name)
        raise RuntimeError(f"{name} broke")
    return run


async def test_observers_see_every_event_of_their_kind_and_the_first_matching_handler_wins(tmp_path):
    seen: list[str] = []
    r = Router("demo")
    r.observe(Message, recorder(seen, "obs-message"))
    r.observe(MemberJoined, recorder(seen, "obs-joined"))
    r.message(recorder(seen, "never"), Where(lambda ctx: False))
    r.message(recorder(seen, "first"), Starts("hi"))
    r.message(recorder(seen, "second"), Starts("h"))
    d = Dispatcher([r])
    ctx = for_message(base(tmp_path), msg("hi there"))
    await d.observe(ctx)
    assert await d.handle(ctx) is True
    assert seen == ["obs-message", "first"]
    assert await d.handle(for_message(base(tmp_path), msg("nothing"))) is False


async def test_private_messages_reach_only_observers_that_ask_for_them(tmp_path):
    seen: list[str] = []
    r = Router("demo")
    r.observe(Message, recorder(seen, "group-statistics"))
    r.observe(Message, recorder(seen, "private-ok"), private=True)
    await Dispatcher([r]).observe(for_message(base(tmp_path), msg("私聊", private=True)))
    assert seen == ["private-ok"]


async def test_handlers_get_the_filter_data_and_the_command_catalogue(tmp_path):
    got: list[object] = []

    async def handler(ctx) -> None:
        got.extend([ctx.data[WORD], ctx.data[CATALOGUE]])
    r = Router("demo")
    r.message(handler, Starts("say "))
    r.command(PING, recorder([], "ping"))
    await Dispatcher([r]).handle(for_message(base(tmp_path), msg("say 你好")))
    assert got == ["你好", (PING,)]


async def test_a_failing_observer_is_logged_and_the_others_still_run(tmp_path, caplog):
    seen: list[str] = []
    r = Router("demo")
    r.observe(Message, failing(seen, "broken"))
    r.observe(Message, recorder(seen, "fine"))
    with caplog.at_level(logging.ERROR, "quntag.dispatch"):
        await Dispatcher([r]).observe(for_message(base(tmp_path), msg("hi", eid="evt-7")))
    assert seen == ["broken", "fine"]
    [rec] = caplog.records
    assert rec.adapter == "generic" and rec.event == "evt-7" and "failed" in rec.getMessage()


async def test_a_failing_handler_is_logged_and_counts_as_taken(tmp_path, caplog):
    seen: list[str] = []
    r = Router("demo")
    r.message(failing(seen, "broken"), Starts("hi"))
    r.message(recorder(seen, "later"), Starts("hi"))
    with caplog.at_level(logging.ERROR, "quntag.dispatch"):
        assert await Dispatcher([r]).handle(for_message(base(tmp_path), msg("hi", eid="evt-8"))) is True
    assert seen == ["broken"]
    assert caplog.records[0].event == "evt-8" and caplog.records[0].adapter == "generic"


async def test_commands_for_another_bot_reach_observers_never_handlers(tmp_path):
    seen: list[str] = []
    r = Router("demo")
    r.observe(Message, recorder(seen, "observer"))
    r.command(PING, recorder(seen, "handler"))
    d = Dispatcher([r])
    ctx = for_message(base(tmp_path), msg("/ping", addressed_elsewhere=True))
    await d.observe(ctx)
    assert await d.handle(ctx) is False and seen == ["observer"]


async def test_middlewares_wrap_the_chosen_handler_outermost_first(tmp_path):
    order: list[str] = []

    def middleware(name: str, stop: bool = False):
        async def mw(ctx, call_next) -> None:
            order.append(name)
            if not stop:
                await call_next(ctx)
        return mw
    r = Router("demo")
    r.message(recorder(order, "handler"))
    r.member_joined(recorder(order, "welcome"))
    await Dispatcher([r], [middleware("outer"), middleware("inner")]).handle(for_message(base(tmp_path), msg("x")))
    assert order == ["outer", "inner", "handler"]
    order.clear()
    ctx = base(tmp_path)
    joined = ctx.for_event(None, MemberJoined("j", ChatRef("generic", "g-1"), UserRef("generic", "u-1"), NOW), None)
    assert await Dispatcher([r], [middleware("outer", stop=True), middleware("inner")]).handle(joined) is True
    assert order == ["outer"]  # a middleware that does not call on stops the event there
