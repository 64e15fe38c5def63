"""Event dispatch."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Sequence

from bot.core.context import Context
from bot.core.events import Message
from bot.core.routing import CommandSpec, Router, kinds_match

log = logging.getLogger("quntag.dispatch")


class Dispatcher:
    """Observers see every event; handlers are tried in order and the first whose filters all pass wins.

    An exception in one observer or handler is logged with adapter and event id and does not stop the
    others. Commands addressed to another bot (``addressed_elsewhere``) reach observers, never handlers.
    Every message a handler would answer — a command, a bare word such as 签到, a private gate answer —
    counts against its sender's ``commands_per_minute``; past it the handler does not run.
    """

    def __init__(self, routers: Sequence[Router], commands_per_minute: int = 0) -> None:
        self.routers = list(routers)
        self.commands_per_minute = commands_per_minute
        self._recent: dict[tuple[str, str], deque[float]] = {}
        self.observers = [(fn, kinds, private) for r in self.routers for fn, kinds, private in r.observers]
        self.handlers = [(fn, filters) for r in self.routers for fn, filters in r.handlers]

    def _over_limit(self, ev: Message, now: float) -> bool:
        """Per-member command rate limit, so nobody can spam the bot into spamming the group."""
        if self.commands_per_minute <= 0:
            return False
        if len(self._recent) > 10000:  # keep memory bounded: forget members idle for a minute
            self._recent = {k: q for k, q in self._recent.items() if q and now - q[-1] < 60}
        q = self._recent.setdefault((ev.chat.id, ev.user.id), deque())
        while q and now - q[0] >= 60:
            q.popleft()
        if len(q) >= self.commands_per_minute:
            return True
        q.append(now)
        return False

    @property
    def commands(self) -> list[CommandSpec]:
        return [c for r in self.routers for c in r.commands]

    async def dispatch(self, ctx: Context) -> bool:
        """Run one event through observers, then handlers; True when a handler took it."""
        await self.observe(ctx)
        return await self.handle(ctx)

    async def observe(self, ctx: Context) -> None:
        """Every observer interested in the event's kind."""
        ev = ctx.event
        if ev is None:
            raise ValueError("dispatch needs ctx.event")
        private_msg = isinstance(ev, Message) and ev.is_private
        for fn, kinds, private_ok in self.observers:
            if kinds_match(ev, kinds) and (private_ok or not private_msg):
                try:
                    await fn(ctx)
                except Exception:
                    log.exception("observer %s failed", getattr(fn, "__qualname__", fn),
                                  extra={"adapter": ev.chat.adapter, "event": ev.event_id, "group": ev.chat.id})

    async def handle(self, ctx: Context) -> bool:
        """The first handler whose filters all pass; True when one took the event."""
        ev = ctx.event
        if ev is None:
            raise ValueError("dispatch needs ctx.event")
        if isinstance(ev, Message) and ev.addressed_elsewhere:
            return False
        for fn, filters in self.handlers:
            try:
                if not all(f(ctx) for f in filters):
                    continue
                # Checked where a handler is chosen, not by the shape of the text: any path that answers a
                # member's message is one the member could otherwise repeat to make the bot flood the group.
                if isinstance(ev, Message) and self._over_limit(ev, ctx.clock()):
                    log.warning("member rate limit: %s in %s (event %s) ignored", ev.user.id, ev.chat.id,
                                ev.event_id)
                    return False
                await fn(ctx)
            except Exception:
                log.exception("handler %s failed", getattr(fn, "__qualname__", fn),
                              extra={"adapter": ev.chat.adapter, "event": ev.event_id, "group": ev.chat.id})
            return True
        return False
