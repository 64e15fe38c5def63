"""Middlewares: an ordered chain around the handler the dispatcher chose (observers do not pass through it).

Each middleware receives the context (with the filter's data) and ``call_next``; not calling it stops the
event there. The chain the bot runs, outermost first (``handlers.build_dispatcher``)::

    MemberRateLimit → ChatGate → AdminOnly → handler

so a refusal counts against the rate limit like any other answer, and a command in the wrong chat is told
so before anyone checks whether its sender is an admin there.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from bot.core.commands import ANYWHERE, GROUP, INVOCATION
from bot.core.context import Context
from bot.core.events import Message
from bot.core.filters import is_admin

log = logging.getLogger("quntag.dispatch")
Next = Callable[[Context[Any]], Awaitable[None]]


class Middleware(Protocol):
    async def __call__(self, ctx: Context[Any], call_next: Next) -> None: ...


class MemberRateLimit:
    """At most ``per_minute`` answered messages per member and chat (0: no limit), so nobody can spam the
    bot into spamming the group; admins, who set a group up with bursts of commands, get ``admin_per_minute``.
    Checked where a handler has been chosen, not by the shape of the text: slash commands, the bare words
    签到 / 打卡 and private gate answers all count, refusals too. Past the limit the handler does not run; the
    sender is told once (privately where the platform allows, else in the chat) until their count has fallen
    below the limit again, so a burst never turns into a burst of notices."""

    def __init__(self, per_minute: int, admin_per_minute: int | None = None) -> None:
        self.per_minute = per_minute
        self.admin_per_minute = per_minute if admin_per_minute is None else admin_per_minute
        self._recent: dict[tuple[str, str], deque[float]] = {}
        self._told: set[tuple[str, str]] = set()

    def over_limit(self, ev: Message, now: float, limit: int | None = None) -> bool:
        """Count this message; True when the sender is already at the limit (then it is not counted)."""
        limit = self.per_minute if limit is None else limit
        if limit <= 0:
            return False
        if len(self._recent) > 10000:  # keep memory bounded: forget members idle for a minute
            self._recent = {k: q for k, q in self._recent.items() if q and now - q[-1] < 60}
            self._told &= set(self._recent)
        key = (ev.chat.id, ev.user.id)
        q = self._recent.setdefault(key, deque())
        while q and now - q[0] >= 60:
            q.popleft()
        if len(q) >= limit:
            return True
        self._told.discard(key)
        q.append(now)
        return False

    async def __call__(self, ctx: Context[Any], call_next: Next) -> None:
        ev = ctx.event
        if not isinstance(ev, Message):
            await call_next(ctx)
            return
        limit = self.admin_per_minute if is_admin(ctx) else self.per_minute
        if not self.over_limit(ev, ctx.clock(), limit):
            await call_next(ctx)
            return
        log.warning("member rate limit: %s in %s (event %s) ignored", ev.user.id, ev.chat.id, ev.event_id)
        key = (ev.chat.id, ev.user.id)
        if key not in self._told:
            self._told.add(key)
            text = ctx.render("rate_limited", ctx.locale, limit=limit, name=ev.user_name or "")
            await ctx.reply_private(text, notice=text)


class ChatGate:
    """A command used in the wrong kind of chat gets a clear reply instead of running: group commands
    (about "this group") in a private chat with the bot, private-only commands in a group."""

    async def __call__(self, ctx: Context[Any], call_next: Next) -> None:
        inv = ctx.data.get(INVOCATION)
        ev = ctx.event
        if inv is None or inv.spec.chat == ANYWHERE or not isinstance(ev, Message):
            await call_next(ctx)
            return
        if ev.is_private == (inv.spec.chat == GROUP):
            await ctx.reply(ctx.render("wrong_chat", ctx.locale, needs=inv.spec.chat, command=inv.typed))
            return
        await call_next(ctx)


class AdminOnly:
    """The one place admin commands are refused: a command (or subcommand) marked ``admin`` from anyone
    who is not an admin of the group gets a polite refusal, and nothing else runs."""

    async def __call__(self, ctx: Context[Any], call_next: Next) -> None:
        inv = ctx.data.get(INVOCATION)
        if inv is not None and inv.admin_only and not is_admin(ctx):
            await ctx.reply(ctx.render("refused", ctx.locale))
            return
        await call_next(ctx)
