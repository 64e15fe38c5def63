"""Durable adapter facts written in the background, so ``verify`` and ``parse`` stay synchronous."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from bot.core.adapter import StateStore


def persist_later(label: str, state: StateStore | None, writes: Sequence[tuple[str, str | None]],
                  pending: set[asyncio.Task[None]]) -> None:
    """Save learned adapter facts in the background (parse stays synchronous); ``pending`` keeps the
    tasks so ``close()`` can wait for them. Without a running loop (pure parsing) they stay in memory."""
    if not writes or state is None:
        return

    async def save() -> None:
        for key, value in writes:
            try:
                await state.save(key, value)
            except Exception:
                logging.getLogger("quntag.adapters").exception("%s: could not save state %s", label, key)

    try:
        task = asyncio.get_running_loop().create_task(save())
    except RuntimeError:
        return
    pending.add(task)
    task.add_done_callback(pending.discard)
