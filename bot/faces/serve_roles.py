"""What each child process of ``quntag serve --workers N`` runs: a web process or a processor.

A web process does only what must happen before a platform gets its answer (read, verify, parse, the
durable de-duplicated insert into the inbox), plus the API, console, ``/healthz`` and ``/metrics``. The
processors run everything behind the inbox: observers and handlers in arrival order and the outbox, each for
its partitions of the groups, and one of them the scheduler. Both stop cleanly on SIGTERM (a web process
finishes the requests it holds, a processor the batch it holds; what is left in the inbox is processed by
whoever holds its partition next).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import signal
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.core.config import Config
from bot.core.metrics import Metrics
from bot.faces.listener import listen, settle_heap

if TYPE_CHECKING:
    from bot.faces.runtime import Runtime
    from storage.leader import LeaderLock

log = logging.getLogger("quntag.serve")
PR_SET_PDEATHSIG = 1


def follow_parent() -> None:
    """Receive SIGTERM when the parent dies (even by SIGKILL), so no orphan keeps the port or the database
    lock; Linux only, elsewhere the parent-death check in :func:`_stopped` covers it."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _stop_signal(parent: int) -> asyncio.Event:
    """An event set on SIGTERM or when the parent is gone."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a terminal's Ctrl-C reaches the parent, which stops us in order

    async def watch_parent() -> None:
        while not stop.is_set():
            if os.getppid() != parent:
                stop.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1.0)

    _watchers.add(asyncio.create_task(watch_parent()))
    return stop


_watchers: set[asyncio.Task[None]] = set()


async def _stopped(parent: int) -> None:
    """Until SIGTERM, or until the parent is gone."""
    await _stop_signal(parent).wait()


async def run_web(cfg: Config, host: str, port: int, parent: int, ready: Callable[[str], None]) -> int:
    """One web process: accept deliveries on the shared port until stopped."""
    from bot.faces.server import create_app

    app = create_app(cfg, role="web")
    runner, _bound = await listen(app, host, port, reuse_port=True)
    settle_heap()
    ready("")
    await _stopped(parent)
    await runner.cleanup()
    return 0


async def run_processor(cfg: Config, parent: int, ready: Callable[[str], None], share: tuple[int, int] = (0, 1)
                        ) -> int:
    """One processor (``share`` = its index and its server's number of processors): process its partitions'
    events and send their outbox until stopped; the one that leads the database also runs the scheduler. What
    it says at its start (adapters' visibility, schedules) goes to the parent, which prints it after its
    listening line. A processor that does not lead (on SQLite: all but the first; on a shared PostgreSQL
    database: all but one across every server) takes the schedule over when the leader stops. Losing the
    connection that holds its partitions or the lead ends the process with exit 3, and the parent starts a new
    one (``storage.partitions``, ``storage.leader``)."""
    from bot.faces.runtime import Runtime
    from storage.leader import LeaderLock

    stop = _stop_signal(parent)
    loop = asyncio.get_running_loop()
    lead = LeaderLock(cfg.database_url())
    first = share[0] == 0  # only a server's first processor runs its schedule or asks for the lead
    leads = first and await loop.run_in_executor(None, lead.try_acquire)
    rt = Runtime(cfg, Metrics(), role="processor", share=share)
    await rt.start(schedule=leads)
    try:
        await rt.retry_parked()
        lines = [f"adapter {name} ({adapter.type}): visibility {adapter.visibility()}"
                 for name, adapter in rt.adapters.items()]
        if leads:
            lines += [f"schedule: {line}" for line in rt.jobs.describe()]
        elif first:
            lines.append("processor: another server runs the schedule of this database; this one processes its "
                         "share of the groups and takes the schedule over when that server stops")
        ready("".join(line + "\n" for line in lines) if first else "")
        settle_heap()
        return await _supervise(rt, lead if first else None, leads, stop)
    finally:
        await rt.stop()
        lead.release()


async def _supervise(rt: Runtime, lead: LeaderLock | None, leads: bool, stop: asyncio.Event) -> int:
    """Until stopped: take the schedule over once the lead is free (``lead`` None: never asks); exit 3 when the
    lead or the partitions' session is lost."""
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(stop.wait()), 5.0)
        if stop.is_set():
            break
        if rt.keeper.lost.is_set():
            log.error("processor: the session that holds its partitions is lost; stopping so that a new processor "
                      "takes a share")
            return 3
        if lead is None:
            continue
        if leads and not await loop.run_in_executor(None, lead.still_held):
            log.error("processor: the lead of the schedule is lost; stopping so that a new processor stands by")
            return 3
        if not leads and lead.shared and await loop.run_in_executor(None, lead.try_acquire):
            leads = True
            await rt.start_schedule()
            log.warning("processor: took over the schedule of the shared database")
    return 0
