"""``quntag replay FILE.jsonl``: generic events, one a line, through the runtime's intake, in-process.

Each line goes to the configured adapter instance the way a webhook delivery does (``parse`` → only listed
groups → durable inbox → what it taught), except ``verify``: a local file carries no signature, and whoever
runs the command holds the config and its secrets already.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.core.adapter import Adapter, WebhookRejected
from bot.core.config import Config
from bot.faces.intake import Delivered, Intake
from bot.faces.runtime import Runtime

CHUNK = 500  # lines in flight at once: the writer commits them together, in file order


async def _one(intake: Intake, adapter: Adapter, body: bytes) -> Delivered | WebhookRejected:
    try:
        return await intake.deliver(adapter, body)
    except WebhookRejected as rej:
        return rej


async def replay_file(cfg: Config, path: Path, adapter: str) -> tuple[int, int, list[str]]:
    """Returns (accepted, duplicate, one line per rejected input line); returns once every accepted event
    is processed.

    Replies that history would trigger (old ``/me`` commands) are not sent: replay is an import.
    """
    rt = Runtime(cfg)
    rt.context.muted = True
    await rt.start(deliver=False, schedule=False)
    accepted = duplicate = 0
    rejected: list[str] = []
    try:
        target = rt.adapters[adapter]
        chunk: list[tuple[int, bytes]] = []

        async def feed() -> None:
            nonlocal accepted, duplicate
            # started in file order, each reaches the writer before the next starts: stored in that order
            results = await asyncio.gather(*(_one(rt.intake, target, body) for _n, body in chunk))
            for (lineno, _body), result in zip(chunk, results, strict=True):
                if isinstance(result, WebhookRejected):
                    rejected.append(f"{path}:{lineno}: rejected: {result.detail}")
                elif result.new is not None:
                    accepted += result.new
                    duplicate += not result.new
            chunk.clear()

        with path.open(encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if line.strip():
                    chunk.append((lineno, line.encode("utf-8")))
                if len(chunk) >= CHUNK:
                    await feed()
        await feed()
        await rt.inbox.drained()
    finally:
        await rt.stop()
    return accepted, duplicate, rejected
