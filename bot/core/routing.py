"""Routers: one feature's handlers and observers, registered per event kind.

Handlers are module-level functions typed by the event they take, so each can be imported and tested alone::

    async def news_add(ctx: Context[Message]) -> None: ...

    def router() -> Router:
        r = Router("community")
        r.command(NEWS, {"add": news_add, "list": news_list, "rm": news_rm})
        r.member_joined(welcome)
        r.observe(Message, track_questions)
        return r

Registration is explicit calls on a router instance (no decorator fills anything at import time); the
dispatcher tries routes in the order routers and registrations are listed. A feature exposes a function
``router()`` rather than a router constant: it is built by these calls, one may need the config (tagging),
and each app gets its own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.core.commands import INVOCATION, CommandSpec
from bot.core.context import Context
from bot.core.data import EMPTY, Data
from bot.core.events import Event, JoinRequest, MemberJoined, Message
from bot.core.filters import Filter
from bot.core.usage import reply_usage

E = TypeVar("E", bound=Event)
Handler = Callable[[Context[E]], Awaitable[None]]
Run = Callable[[Context[Any]], Awaitable[None]]


def _name(fn: object) -> str:
    return str(getattr(fn, "__qualname__", fn))


@dataclass(frozen=True, slots=True)
class Route:
    """A handler for one event kind, chosen when its filter matches (no filter: always)."""

    kind: type[Any]
    run: Run
    filter: Filter | None = None
    name: str = ""

    def match(self, ctx: Context[Any]) -> Data | None:
        """The data for the handler when this route takes the event, else None."""
        if not isinstance(ctx.event, self.kind):
            return None
        return EMPTY if self.filter is None else self.filter.check(ctx)


@dataclass(frozen=True, slots=True)
class Observer:
    """A function that sees every event of one kind. Messages in a private chat reach it only when
    ``private``: group statistics and profiles never see them."""

    kind: type[Any]
    run: Run
    private: bool = False
    name: str = ""


class CommandFilter(Filter):
    """A message that is this command: hands over the :data:`~bot.core.commands.INVOCATION` and, when
    they fit, the parsed arguments under their own keys."""

    def __init__(self, spec: CommandSpec) -> None:
        self.spec = spec

    def check(self, ctx: Context[Any]) -> Data | None:
        ev = ctx.event
        if not isinstance(ev, Message) or ctx.command is None:
            return None
        inv = self.spec.invoke(ctx.command, ev)
        if inv is None:
            return None
        return Data.of(INVOCATION, inv) | (inv.values or EMPTY)

    def __repr__(self) -> str:
        return f"/{self.spec.name}"


class CommandRoute:
    """Runs the handler of the subcommand that was typed, or answers with the usage when the arguments do
    not fit. ``handlers`` is one function for the whole command, or one per subcommand (every subcommand
    must have one: a missing entry is an error when the router is built, not when a member types it)."""

    def __init__(self, spec: CommandSpec, handlers: Handler[Message] | Mapping[str, Handler[Message]]) -> None:
        self.spec = spec
        self.table: dict[str, Handler[Message]] = {}
        self.single: Handler[Message] | None = None
        if isinstance(handlers, Mapping):
            self.table = dict(handlers)
            wanted = {s.name for s in spec.subs}
            if set(self.table) != wanted:
                raise ValueError(f"/{spec.name}: handlers for {sorted(self.table)}, subcommands {sorted(wanted)}")
        else:
            self.single = handlers

    async def __call__(self, ctx: Context[Message]) -> None:
        inv = ctx.data[INVOCATION]
        if not inv.ok:
            await reply_usage(ctx)
            return
        if self.single is not None:
            await self.single(ctx)
        elif inv.sub is not None:
            await self.table[inv.sub.name](ctx)


class Router:
    """One feature's routes, observers and command specs, in registration order."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.routes: list[Route] = []
        self.observers: list[Observer] = []
        self.commands: list[CommandSpec] = []

    def observe(self, kind: type[E], fn: Handler[E], *, private: bool = False) -> None:
        """``fn`` sees every event of ``kind`` (private-chat messages only with ``private=True``)."""
        self.observers.append(Observer(kind, fn, private, _name(fn)))

    def on(self, kind: type[E], fn: Handler[E], flt: Filter | None = None) -> None:
        """``fn`` handles events of ``kind`` that ``flt`` matches (every one without a filter)."""
        self.routes.append(Route(kind, fn, flt, _name(fn)))

    def message(self, fn: Handler[Message], flt: Filter | None = None) -> None:
        self.on(Message, fn, flt)

    def member_joined(self, fn: Handler[MemberJoined], flt: Filter | None = None) -> None:
        self.on(MemberJoined, fn, flt)

    def join_request(self, fn: Handler[JoinRequest], flt: Filter | None = None) -> None:
        self.on(JoinRequest, fn, flt)

    def command(self, spec: CommandSpec, handlers: Handler[Message] | Mapping[str, Handler[Message]]) -> None:
        """``/name`` (or an alias) with its subcommands, listed in /help; see :class:`CommandRoute`."""
        self.commands.append(spec)
        self.routes.append(Route(Message, CommandRoute(spec, handlers), CommandFilter(spec), f"/{spec.name}"))
