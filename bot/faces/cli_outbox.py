"""``quntag outbox list|retry|drop [ID]``: what waits to be sent or is parked, sent again now, or dropped.

``retry`` with ``quntag serve`` running only makes the messages due (the server's outbox sends them on its
next round); without a server it sends them itself, once, and says what still fails.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from bot.core.config import Config
from bot.core.redact import redact
from bot.faces.cli_common import CliExit, confirm, load_config, print_json, require_database, with_runtime
from bot.faces.cli_table import count, duration, table
from bot.faces.runtime import Runtime, parked_after
from bot.faces.settings import declared_options
from storage.backup import ServeLock
from storage.db import Database
from storage.repo.outbox_store import OutboxStore, WaitingMessage

T = TypeVar("T")
SERVER_ROUND_S = 30  # the longest a running server's outbox sleeps between rounds


def outbox(args: argparse.Namespace) -> int:
    cfg = load_config(args)
    require_database(cfg)
    actions: dict[str, Callable[[Config, argparse.Namespace], int]] = {
        "list": _list, "retry": _retry, "drop": _drop}
    return actions[args.action](cfg, args)


def _with_store(cfg: Config, fn: Callable[[OutboxStore], Awaitable[T]]) -> T:
    """Only the database is opened: listing and dropping need no adapter."""
    async def go() -> T:
        db = Database(cfg.database_url(), cfg.storage.sync)
        db.start()
        try:
            await db.migrate()
            return await fn(OutboxStore(db))
        finally:
            await db.close()
    return asyncio.run(go())


def _secrets(cfg: Config) -> list[str]:
    declared = declared_options()
    values = [str(a.options[key]) for a in cfg.adapters.values() for key in declared[a.type].secret_keys()]
    return [*values, cfg.server.api_token, cfg.server.metrics_token]


def _target(m: WaitingMessage) -> str:
    shown = m.target_name or m.target
    return f"{shown} (private)" if m.target_kind == "user" else shown


def _state(m: WaitingMessage, now: float) -> tuple[str, str]:
    """(state for JSON, words for the table)."""
    if m.next_at <= now:
        return "due", "due now"
    wait = duration(m.next_at - now)
    if m.next_at > parked_after(now):
        return "parked", f"parked, next try in {wait}"
    return "waiting", f"next try in {wait}"


def _as_json(m: WaitingMessage, now: float, secrets: list[str]) -> dict[str, Any]:
    return {"id": m.id, "adapter": m.adapter, "target": m.target, "target_name": m.target_name,
            "private": m.target_kind == "user", "age_seconds": round(now - m.created_at),
            "attempts": m.attempts, "state": _state(m, now)[0],
            "next_attempt_in_seconds": max(0, round(m.next_at - now)), "last_error": redact(m.last_error, secrets)}


def _list(cfg: Config, args: argparse.Namespace) -> int:
    found = _with_store(cfg, lambda store: store.waiting())
    now, secrets = time.time(), _secrets(cfg)
    if args.json:
        print_json([_as_json(m, now, secrets) for m in found])
        return 0
    if not found:
        print("the outbox is empty: nothing waits to be sent")
        return 0
    rows = [[str(m.id), m.adapter, _target(m), duration(now - m.created_at), str(m.attempts), _state(m, now)[1],
             " ".join(redact(m.last_error, secrets).split())[:100] or "-"] for m in found]
    print(table(["ID", "ADAPTER", "TARGET", "AGE", "ATTEMPTS", "STATE", "LAST ERROR"], rows))
    parked = sum(_state(m, now)[0] == "parked" for m in found)
    print(f"{len(found)} waiting, {parked} parked (quntag outbox retry [ID] sends now, drop ID removes)")
    return 0


def _chosen(store: OutboxStore, args: argparse.Namespace) -> Awaitable[list[WaitingMessage]]:
    return store.waiting(None if args.id is None else [args.id])


def _unknown(args: argparse.Namespace) -> CliExit:
    return CliExit(1, f"unknown outbox message: {args.id} (quntag outbox list shows what waits)")


def _retry(cfg: Config, args: argparse.Namespace) -> int:
    lock = ServeLock(cfg.database_url())
    if not lock.acquire():  # a server runs: its outbox sends them
        moved = _with_store(cfg, lambda store: _make_due(store, args))
        print(f"{count(len(moved), 'message')} due now; the running quntag serve sends "
              f"{'it' if len(moved) == 1 else 'them'} within {SERVER_ROUND_S} s")
        return 0
    outbox_log = logging.getLogger("quntag.outbox")
    level = outbox_log.level
    if not args.verbose:  # each failure is printed below; the outbox's own warning would say it twice
        outbox_log.setLevel(logging.ERROR)
    try:
        sent, failing = with_runtime(cfg, lambda rt: _send_now(rt, args))
    finally:
        outbox_log.setLevel(level)
        lock.release()
    secrets = _secrets(cfg)
    for m in failing:
        print(f"{m.id} to {_target(m)} ({m.adapter}) failed again: {redact(m.last_error, secrets)}")
    print(f"sent {sent}, still waiting {len(failing)}")
    if failing:
        raise CliExit(1, f"{count(len(failing), 'message')} could not be sent (quntag outbox list shows why)")
    return 0


async def _make_due(store: OutboxStore, args: argparse.Namespace) -> list[WaitingMessage]:
    """The chosen messages (exit 1 for an unknown id), their next attempt brought forward to now."""
    chosen = await _chosen(store, args)
    if args.id is not None and not chosen:
        raise _unknown(args)
    await store.make_due(time.time(), [m.id for m in chosen])
    return chosen


async def _send_now(rt: Runtime, args: argparse.Namespace) -> tuple[int, list[WaitingMessage]]:
    """One attempt for each chosen message (and whatever else is due); (sent, still waiting)."""
    chosen = await _make_due(rt.outbox_store, args)
    await rt.outbox.send_due()
    left = await rt.outbox_store.waiting([m.id for m in chosen])
    return len(chosen) - len(left), left


def _drop(cfg: Config, args: argparse.Namespace) -> int:
    chosen = _with_store(cfg, lambda store: _chosen(store, args))
    if args.id is not None and not chosen:
        raise _unknown(args)
    if args.id is None:
        if not chosen:
            print("the outbox is empty: nothing dropped")
            return 0
        confirm(f"Drop all {len(chosen)} waiting messages unsent?", args.yes, "drop every waiting message")
    dropped = _with_store(cfg, lambda store: store.drop([m.id for m in chosen]))
    if args.id is not None:
        print(f"dropped {args.id} to {_target(chosen[0])} ({chosen[0].adapter}), unsent")
    else:
        print(f"dropped {count(dropped, 'message')}, unsent")
    return 0
