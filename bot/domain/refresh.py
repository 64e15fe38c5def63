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
_busy: dict[tuple[str, str], asyncio.Task[None]] = {}
# The renewal starts a moment after the view that asked for it, so that view's answer is sent first: the
# recompute is Python work on the same event loop and would otherwise hold the answer back.
START_AFTER_S = 0.1


def show_last() -> bool:
    """Whether the code running now would rather show stored numbers than wait for new ones."""
    return _SHOW_LAST.get()


@contextmanager
def showing_last() -> Iterator[None]:
    """Run the block as a reader that shows stored numbers and renews them in the background."""
    token = _SHOW_LAST.set(True)
    try:
        yield
    finally:
        _SHOW_LAST.reset(token)


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
    """Start ``work`` in the background unless the same renewal is already running. It runs as a waiting
    reader would (current numbers all the way down)."""
    if (kind, key) in _busy:
        return
    context = contextvars.copy_context()
    context.run(_SHOW_LAST.set, False)
    _busy[(kind, key)] = asyncio.get_running_loop().create_task(_run(kind, key, work), context=context)


async def _run(kind: str, key: str, work: Callable[[], Awaitable[object]]) -> None:
    try:
        await asyncio.sleep(START_AFTER_S)
        await work()
    except Exception:
        log.exception("renewing %s of %s failed; the next view tries again", kind, key)
    finally:
        _busy.pop((kind, key), None)


async def settled() -> None:
    """Wait for every renewal running now (before the database closes, and in tests)."""
    while _busy:
        await asyncio.gather(*list(_busy.values()), return_exceptions=True)
