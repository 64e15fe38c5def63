"""What each child process of ``quntag serve --workers N`` runs: a web process or the processor.

A web process does only what must happen before a platform gets its answer (read, verify, parse, the
durable de-duplicated insert into the inbox), plus the API, console, ``/healthz`` and ``/metrics``. The
processor runs everything behind the inbox: observers and handlers in arrival order, the outbox and the
scheduler. Both stop cleanly on SIGTERM (a web process finishes the requests it holds, the processor the
batch it holds; what is left in the inbox is processed at the next start).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import signal
from collections.abc import Callable

from bot.core.config import Config
from bot.core.metrics import Metrics
from bot.faces.listener import listen, settle_heap

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


async def run_processor(cfg: Config, parent: int, ready: Callable[[str], None]) -> int:
    """The processor: process accepted events, send the outbox, run scheduled jobs until stopped. What it
    says at its start (adapters' visibility, schedules) goes to the parent, which prints it after its
    listening line. On a database shared by several servers it first waits for the processing lock
    (``storage.leader``); losing that lock ends the process with exit 3 so the parent starts a new one,
    which stands by again."""
    from bot.faces.runtime import Runtime
    from storage.leader import ProcessingLock

    stop = _stop_signal(parent)
    lock = ProcessingLock(cfg.database_url())
    if lock.shared and not await asyncio.get_running_loop().run_in_executor(None, lock.try_acquire):
        ready("processor: standing by, another server processes this database; taking over when it stops\n")
        if not await lock.acquire(stop):
            return 0
        log.warning("processor: took over processing of the shared database")
        said = None
    else:
        said = ready
    rt = Runtime(cfg, Metrics(), role="processor")
    await rt.start()
    try:
        await rt.retry_parked()
        lines = [f"adapter {name} ({adapter.type}): visibility {adapter.visibility()}"
                 for name, adapter in rt.adapters.items()]
        lines += [f"schedule: {line}" for line in rt.jobs.describe()]
        if said is not None:
            said("".join(line + "\n" for line in lines))
        else:
            for line in lines:
                log.info("%s", line)
        settle_heap()
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 5.0)
            if not stop.is_set() and not await asyncio.get_running_loop().run_in_executor(None, lock.still_held):
                log.error("processor: the processing lock is lost; stopping so that a new processor stands by")
                return 3
    finally:
        await rt.stop()
        lock.release()
    return 0
