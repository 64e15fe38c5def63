"""``quntag serve``: the webhook server and scheduler until SIGTERM/SIGINT (contract §2)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import signal
from collections.abc import Iterator

from bot.core.config import Config
from bot.core.config.server import MAX_PROCESSORS
from bot.faces.cli_common import CliExit, load_config
from bot.faces.listener import listen, settle_heap
from bot.faces.settings import secret_problems, send_problems


def serve(args: argparse.Namespace) -> int:
    cfg = load_config(args)
    bad = secret_problems(cfg)
    unsent = [key for keys in send_problems(cfg).values() for key in keys]
    if (bad or unsent) and not args.insecure_dev:
        problems = [f"{key}: empty or CHANGE-ME secret" for key in bad]
        problems += [f"{key}: not set, so no reply could be sent" for key in unsent]
        them = "them" if len(problems) > 1 else "it"
        raise CliExit(2, f"config error: {'; '.join(problems)} (set {them}, or use --insecure-dev)")
    host = args.host or cfg.server.host
    port = cfg.server.port if args.port is None else args.port
    workers = cfg.server.workers if args.workers is None else args.workers
    if workers < 1:
        raise CliExit(2, "--workers: must be at least 1")
    processors = cfg.server.processors if args.processors is None else args.processors
    if not 1 <= processors <= MAX_PROCESSORS:
        raise CliExit(2, f"--processors: must be between 1 and {MAX_PROCESSORS}")
    note = insecure_note(bad, unsent)
    if workers == 1:
        return asyncio.run(_serve(cfg, host, port, note))
    with _locked(cfg) as lock_fd:
        return _serve_processes(cfg, host, port, workers, note, lock_fd, processors)


def insecure_note(bad: list[str], unsent: list[str]) -> str:
    """What ``--insecure-dev`` leaves closed or open, for the startup line ("" when nothing is missing)."""
    if not bad and not unsent:
        return ""
    notes = [f"{path} answers 401 to everyone until {key} is set" for key, path in
             (("server.api_token", "/api"), ("server.metrics_token", "/metrics")) if key in bad]
    if bad:
        notes.append("unset secrets: " + ", ".join(bad))
    if unsent:
        notes.append("replies are parked until these are set: " + ", ".join(unsent))
    return f" (insecure dev mode: {'; '.join(notes)})"


def _listen_error(exc: OSError, host: str, port: int) -> CliExit:
    """A socket that cannot be bound, as one line naming the key to change."""
    if exc.errno == errno.EADDRINUSE:
        return CliExit(2, f"config error: server.port: {host}:{port} is already in use (stop what listens "
                          "there, or choose another server.port or --port)")
    return CliExit(2, f"config error: server.host: cannot listen on {host}:{port}: {exc.strerror or exc}")


@contextlib.contextmanager
def _locked(cfg: Config) -> Iterator[int | None]:
    """Hold the database's serve lock (one server per SQLite file) for the block."""
    from storage.backup import ServeLock

    lock = ServeLock(cfg.database_url())
    try:
        acquired = lock.acquire()
    except OSError as exc:
        raise CliExit(2, f"config error: storage.url: cannot use {cfg.database_url()}: "
                         f"{exc.strerror or exc}") from None
    if not acquired:
        raise CliExit(2, f"config error: storage.url: {cfg.database_url()} is in use by another quntag serve")
    try:
        yield lock.fileno()
    finally:
        lock.release()


async def _serve(cfg: Config, host: str, port: int, note: str) -> int:
    from storage.leader import LeaderLock

    with _locked(cfg):
        # One process does everything, the schedule included, so it cannot wait for the lead: on a database
        # another server leads, it refuses to start instead of running a second scheduler.
        lead = LeaderLock(cfg.database_url())
        if not await asyncio.get_running_loop().run_in_executor(None, lead.try_acquire):
            raise CliExit(2, "config error: storage.url: another quntag serve runs the schedule of this database; "
                             "run every server that shares it with --workers 2 or more (their processors share the "
                             "groups, and one takes the schedule over when the other server stops)")
        try:
            return await _serve_locked(cfg, host, port, note)
        finally:
            lead.release()


def _serve_processes(cfg: Config, host: str, port: int, workers: int, note: str, lock_fd: int | None,
                     processors: int) -> int:
    """``--workers N`` > 1: migrate once here, then N web processes and the processors (``bot.faces.supervisor``)."""
    from bot.faces.supervisor import Supervisor
    from storage.db import make_engine, upgrade

    engine = make_engine(cfg.database_url(), cfg.storage.sync)
    try:
        upgrade(engine)
    finally:
        engine.dispose()  # before any fork: children open their own connections
    preload()

    def ready(bound: int) -> None:
        behind = "a processor" if processors == 1 else f"{processors} processors"
        print(f"quntag listening on http://{host}:{bound}{note} ({workers} web processes and {behind})", flush=True)

    try:
        code = Supervisor(cfg, host, port, workers, lock_fd, processors).run(ready)
    except OSError as exc:
        raise _listen_error(exc, host, port) from None
    print("quntag: stopped", flush=True)
    return code


def preload() -> None:
    """Import what every child runs before forking them, and hide it from the collector: the children then
    share those pages with the parent instead of each loading its own copy (copy-on-write; a collection would
    touch every object's header and copy the page)."""
    import gc

    import bot.faces.runtime
    import bot.faces.server  # noqa: F401  (imported for the children)

    gc.collect()
    gc.freeze()


async def _serve_locked(cfg: Config, host: str, port: int, note: str) -> int:
    from bot.faces.appkeys import RUNTIME
    from bot.faces.server import create_app

    app = create_app(cfg)
    try:
        runner, bound = await listen(app, host, port)
    except OSError as exc:
        raise _listen_error(exc, host, port) from None
    print(f"quntag listening on http://{host}:{bound}{note}", flush=True)
    for name, adapter in app[RUNTIME].adapters.items():
        print(f"adapter {name} ({adapter.type}): visibility {adapter.visibility()}", flush=True)
    for line in app[RUNTIME].jobs.describe():
        print(f"schedule: {line}", flush=True)
    settle_heap()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    print("quntag: stopping (finishing in-flight work)", flush=True)
    await runner.cleanup()
    print("quntag: stopped", flush=True)
    return 0
