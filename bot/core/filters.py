"""Filters: composable tests that choose a handler and may hand it data.

A filter's :meth:`~Filter.check` answers None (no match) or a :class:`~bot.core.data.Data` bag (a match,
with whatever the filter found — the command filter puts the parsed arguments there). Filters combine
with ``&`` (all must match; their data is merged), ``|`` (the first that matches) and ``~`` (matches when
the other does not, with no data)::

    router.message(private_answer, IS_PRIVATE & ~IS_COMMAND)

A plain predicate becomes a filter with :class:`Where`. Filters are pure and synchronous: anything that
needs the database belongs in the handler.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from typing import Any

from bot.core.context import Context
from bot.core.data import EMPTY, Data
from bot.core.events import Message
from bot.core.textnorm import analysis_text


class Filter(ABC):
    """A test on the context being dispatched; None means "not this handler"."""

    @abstractmethod
    def check(self, ctx: Context[Any]) -> Data | None:
        """None when the filter does not match, else the data it hands to the handler."""

    def __and__(self, other: Filter) -> Filter:
        return AllOf((self, other))

    def __or__(self, other: Filter) -> Filter:
        return AnyOf((self, other))

    def __invert__(self) -> Filter:
        return Not(self)


class AllOf(Filter):
    """Every filter matches (checked in order, stopping at the first that does not); data merged."""

    def __init__(self, filters: Iterable[Filter]) -> None:
        self.filters: tuple[Filter, ...] = tuple(g for f in filters
                                                 for g in (f.filters if isinstance(f, AllOf) else (f,)))

    def check(self, ctx: Context[Any]) -> Data | None:
        data = EMPTY
        for f in self.filters:
            found = f.check(ctx)
            if found is None:
                return None
            data = data | found
        return data

    def __repr__(self) -> str:
        return " & ".join(map(repr, self.filters))


class AnyOf(Filter):
    """The first filter that matches, with its data."""

    def __init__(self, filters: Iterable[Filter]) -> None:
        self.filters: tuple[Filter, ...] = tuple(g for f in filters
                                                 for g in (f.filters if isinstance(f, AnyOf) else (f,)))

    def check(self, ctx: Context[Any]) -> Data | None:
        for f in self.filters:
            found = f.check(ctx)
            if found is not None:
                return found
        return None

    def __repr__(self) -> str:
        return "(" + " | ".join(map(repr, self.filters)) + ")"


class Not(Filter):
    """Matches exactly when ``inner`` does not (and hands over no data)."""

    def __init__(self, inner: Filter) -> None:
        self.inner = inner

    def check(self, ctx: Context[Any]) -> Data | None:
        return EMPTY if self.inner.check(ctx) is None else None

    def __repr__(self) -> str:
        return f"~{self.inner!r}"


class Where(Filter):
    """A plain predicate as a filter."""

    def __init__(self, predicate: Callable[[Context[Any]], bool], name: str = "") -> None:
        self.predicate = predicate
        self.name = name or getattr(predicate, "__name__", "where")

    def check(self, ctx: Context[Any]) -> Data | None:
        return EMPTY if self.predicate(ctx) else None

    def __repr__(self) -> str:
        return self.name


class BareWords(Filter):
    """The whole message (not a command) is one of ``words``, ignoring trailing ``!！~～`` — the bare 签到 /
    打卡 where the adapter shows us every message."""

    def __init__(self, words: Iterable[str], trailing: str = "!！~～") -> None:
        self.words = frozenset(words)
        self.trailing = trailing

    def check(self, ctx: Context[Any]) -> Data | None:
        ev = ctx.event
        if not isinstance(ev, Message) or ctx.command is not None:
            return None
        return EMPTY if analysis_text(ev.text).strip().rstrip(self.trailing) in self.words else None

    def __repr__(self) -> str:
        return f"BareWords({'|'.join(sorted(self.words))})"


def is_admin(ctx: Context[Any]) -> bool:
    """The sender administers this group: listed in the group's (or default) ``admins``, or the
    platform reports them as a group owner/admin. The one permission check for admin commands."""
    ev = ctx.event
    if not isinstance(ev, Message):
        return False
    admins = set(ctx.group.admins if ctx.group else ()) | set(ctx.config.defaults.admins)
    return ev.user.id in admins or ev.is_group_admin is True


def is_private(ctx: Context[Any]) -> bool:
    """A message in a one-to-one chat with the bot."""
    return isinstance(ctx.event, Message) and ctx.event.is_private


def is_command(ctx: Context[Any]) -> bool:
    """A message that starts with ``/`` and a name (any command, ours or not)."""
    return ctx.command is not None


IS_ADMIN = Where(is_admin)
IS_PRIVATE = Where(is_private)
IS_COMMAND = Where(is_command)
