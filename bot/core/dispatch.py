"""Event dispatch: observers, then the first matching handler behind the middleware chain."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from bot.core.commands import CATALOGUE, CommandSpec
from bot.core.context import Context
from bot.core.data import Data
from bot.core.events import Message
from bot.core.middleware import Middleware, Next
from bot.core.routing import Route, Router, Run

log = logging.getLogger("quntag.dispatch")


def _chain(run: Run, middlewares: Sequence[Middleware]) -> Next:
    """``run`` wrapped by ``middlewares``, the first outermost."""
    call: Next = run
    for mw in reversed(middlewares):
        call = _step(mw, call)
    return call


def _step(mw: Middleware, call_next: Next) -> Next:
    async def step(ctx: Context[Any]) -> None:
        await mw(ctx, call_next)
    return step


class Dispatcher:
    """Observers see every event; handlers are tried in order and the first whose filters pass wins.

    An exception in one observer or handler is logged with adapter and event id and does not stop the
    others. Commands addressed to another bot (``addressed_elsewhere``) reach observers, never handlers.
    The chosen handler runs inside the ``middlewares`` (rate limit, chat and admin checks), first outermost;
    it finds its filters' data, and every command spec (:data:`~bot.core.commands.CATALOGUE`), in ``ctx.data``.
    """

    def __init__(self, routers: Sequence[Router], middlewares: Sequence[Middleware] = ()) -> None:
        self.routers = list(routers)
        self.observers = [o for r in self.routers for o in r.observers]
        self.routes: list[tuple[Route, Next]] = [(route, _chain(route.run, middlewares))
                                                 for r in self.routers for route in r.routes]
        self.commands: tuple[CommandSpec, ...] = tuple(c for r in self.routers for c in r.commands)
        self._catalogue = Data.of(CATALOGUE, self.commands)

    async def observe(self, ctx: Context) -> None:
        """Every observer interested in the event's kind."""
        ev = ctx.event
        if ev is None:
            raise ValueError("dispatch needs ctx.event")
        private_msg = isinstance(ev, Message) and ev.is_private
        for o in self.observers:
            if isinstance(ev, o.kind) and (o.private or not private_msg):
                try:
                    await o.run(ctx)
                except Exception:
                    log.exception("observer %s failed", o.name,
                                  extra={"adapter": ev.chat.adapter, "event": ev.event_id, "group": ev.chat.id})

    async def handle(self, ctx: Context) -> bool:
        """The first handler whose filters pass, through the middlewares; True when one took the event."""
        ev = ctx.event
        if ev is None:
            raise ValueError("dispatch needs ctx.event")
        if isinstance(ev, Message) and ev.addressed_elsewhere:
            return False
        for route, call in self.routes:
            try:
                data = route.match(ctx)
                if data is None:
                    continue
                await call(replace(ctx, data=self._catalogue | data))
            except Exception:
                log.exception("handler %s failed", route.name,
                              extra={"adapter": ev.chat.adapter, "event": ev.event_id, "group": ev.chat.id})
            return True
        return False
