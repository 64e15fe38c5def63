"""``quntag replay FILE.jsonl``: import generic events through the same durable intake, in-process."""

from __future__ import annotations

import json
from pathlib import Path

from bot.adapters.generic import parse_event
from bot.core.adapter import WebhookRejected
from bot.core.config import Config
from bot.core.events import event_to_dict
from bot.faces.runtime import Runtime
from storage.repo import Delivery

CHUNK = 500


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
        batch: list[Delivery] = []

        async def flush() -> None:
            nonlocal accepted, duplicate
            if not batch:
                return
            for seq in await rt.repo.accept(batch):
                accepted += seq is not None
                duplicate += seq is None
            batch.clear()
            rt.inbox.wake()

        with path.open(encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    ev = parse_event(adapter, json.loads(line))
                except (json.JSONDecodeError, WebhookRejected, RecursionError) as exc:
                    rejected.append(f"{path}:{lineno}: rejected: {getattr(exc, 'detail', exc)}")
                    continue
                if not cfg.admits(ev):
                    continue
                batch.append(Delivery(adapter, ev.event_id, (event_to_dict(ev),)))
                if len(batch) >= CHUNK:
                    await flush()
        await flush()
        await rt.inbox.drained()
    finally:
        await rt.stop()
    return accepted, duplicate, rejected
