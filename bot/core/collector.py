"""Pausing Python's cycle collector while a read builds many acyclic objects.

A group's profiles are hundreds of thousands of small objects (tags, evidence, stats) that never form
reference cycles, so reference counting frees them and the cycle collector finds nothing. Yet the collector
runs every 700 allocations and, with that many objects alive, its older generations take whole seconds: at
10,000 members it was 2 s of a 6 s profile read. While a :func:`paused` block runs (it may span awaits), the
collector does not run; it resumes when the last such block ends. Only wrap code whose new objects are
acyclic — a cycle made inside waits for the next collection after the pause, it is not lost.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_depth = 0  # paused blocks open now (concurrent reads may overlap)
_resume = False  # whether the collector was running when the first of them began


@contextmanager
def paused() -> Iterator[None]:
    """No cycle collection until the block (and every other open one) ends."""
    global _depth, _resume
    if _depth == 0:
        _resume = gc.isenabled()
        gc.disable()
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0 and _resume:
            gc.enable()
