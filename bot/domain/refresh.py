"""Derived numbers a reader would rather not wait for.

The console shows what the last recompute (and the last insights run) stored, and when those are out of
date it starts their renewal in the background instead of making the operator wait for it: in a big group
that talks all the time, the group's facts change between almost any two page views, and the recompute of
10,000 members takes seconds. The chat commands, the reports and the API for scripts keep waiting for
current numbers; only code running under :func:`showing_last` takes this path.

One renewal per kind and key runs at a time in a process; a failure is logged and the next view tries again.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

log = logging.getLogger("quntag.refresh")

_SHOW_LAST: contextvars.ContextVar[bool] = contextvars.ContextVar("quntag_show_last", default=False)
# Renewals a view asked for, started once the view has its answer: the recompute is Python work on the same
# event loop and would otherwise hold that answer back.
_ASKED: contextvars.ContextVar[dict[tuple[str, str], Callable[[], Awaitable[object]]] | None] = \
    contextvars.ContextVar("quntag_renewals_asked", default=None)
_busy: dict[tuple[str, str], asyncio.Task[None]] = {}
START_AFTER_S = 0.05  # and a moment more, for the answer to be written


def key(db: object, group_id: str) -> str:
    """The key of a group's renewal: its database (several apps may share a process) and the group."""
    return f"{id(db)}:{group_id}"


def show_last() -> bool:
    """Whether the code running now would rather show stored numbers than wait for new ones."""
    return _SHOW_LAST.get()


def renewing() -> bool:
    """Whether the view running now shows numbers it asked to renew (they are the last ones stored)."""
    return bool(_ASKED.get())


@contextmanager
def showing_last() -> Iterator[None]:
    """Run the block as a reader that shows stored numbers; the renewals it asks for start when it ends."""
    asked: dict[tuple[str, str], Callable[[], Awaitable[object]]] = {}
    token, token_asked = _SHOW_LAST.set(True), _ASKED.set(asked)
    try:
        yield
    finally:
        _SHOW_LAST.reset(token)
        _ASKED.reset(token_asked)
        for (kind, key), work in asked.items():
            _start(kind, key, work)


@contextmanager
def waiting() -> Iterator[None]:
    """Run the block as a reader that waits for current numbers (inside :func:`showing_last`: for work whose
    result is stored as current, which must not be built on out-of-date parts)."""
    token = _SHOW_LAST.set(False)
    try:
        yield
    finally:
        _SHOW_LAST.reset(token)


def later(kind: str, key: str, work: Callable[[], Awaitable[object]]) -> None:
    """Renew in the background (once the view asking ends, under :func:`showing_last`) unless the same
    renewal is already running. It runs as a waiting reader would (current numbers all the way down)."""
    asked = _ASKED.get()
    if asked is not None:
        asked.setdefault((kind, key), work)
    else:
        _start(kind, key, work)


def _start(kind: str, key: str, work: Callable[[], Awaitable[object]]) -> None:
    if (kind, key) in _busy:
        return
    context = contextvars.copy_context()
    context.run(_SHOW_LAST.set, False)
    context.run(_ASKED.set, None)
    _busy[(kind, key)] = asyncio.get_running_loop().create_task(_run(kind, key, work), context=context)


async def _run(kind: str, key: str, work: Callable[[], Awaitable[object]]) -> None:
    try:
        await asyncio.sleep(START_AFTER_S)
        await work()
    except Exception:
        log.exception("renewing %s of %s failed; the next view tries again", kind, key)
    finally:
        _busy.pop((kind, key), None)


async def finished(kind: str, key: str) -> None:
    """Wait for that renewal if it is running (one renewal built on another waits for it, not redoes it)."""
    task = _busy.get((kind, key))
    if task is not None:
        await asyncio.gather(task, return_exceptions=True)


async def settled() -> None:
    """Wait for every renewal running now (before the database closes, and in tests)."""
    while _busy:
        await asyncio.gather(*list(_busy.values()), return_exceptions=True)
