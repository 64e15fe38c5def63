"""Routers and filters. Decorators only mark: they append to the router instance they belong to.

Each handler module exposes ``router(...) -> Router`` built on call, so nothing registers at import.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.core.events import Event, Message

if TYPE_CHECKING:
    from bot.core.context import Context

Callback = Callable[["Context"], Awaitable[None]]
Filter = Callable[["Context"], bool]


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """A command for /help: ASCII name, Chinese aliases, one-line help, admin-only or not."""

    name: str
    aliases: tuple[str, ...]
    help: str
    admin: bool = False


@dataclass(slots=True)
class Router:
    name: str
    observers: list[tuple[Callback, tuple[type, ...], bool]] = field(default_factory=list)
    handlers: list[tuple[Callback, tuple[Filter, ...]]] = field(default_factory=list)
    commands: list[CommandSpec] = field(default_factory=list)

    def observer(self, *kinds: type, private: bool = False) -> Callable[[Callback], Callback]:
        """Mark ``fn`` to see every event of ``kinds`` (all kinds when empty). Private one-to-one messages
        reach only observers marked ``private=True``: group statistics and profiles never see them."""
        def mark(fn: Callback) -> Callback:
            self.observers.append((fn, kinds, private))
            return fn
        return mark

    def handler(self, *filters: Filter) -> Callable[[Callback], Callback]:
        """Mark ``fn`` as a handler tried in order; it runs when all ``filters`` pass."""
        def mark(fn: Callback) -> Callback:
            self.handlers.append((fn, filters))
            return fn
        return mark

    def command(self, spec: CommandSpec, *filters: Filter) -> Callable[[Callback], Callback]:
        """A handler for ``/name`` or any alias, listed in /help."""
        self.commands.append(spec)
        return self.handler(command(spec.name, *spec.aliases), *filters)


def command(*names: str) -> Filter:
    """Filter: the message is one of these commands (and not addressed to another bot)."""
    wanted = {n.casefold() for n in names}

    def check(ctx: Context) -> bool:
        return ctx.command is not None and ctx.command.name in wanted
    check.__name__ = f"command({', '.join(names)})"
    return check


def is_message(ctx: Context) -> bool:
    return isinstance(ctx.event, Message)


def kinds_match(ev: Event, kinds: tuple[type, ...]) -> bool:
    return not kinds or isinstance(ev, kinds)
