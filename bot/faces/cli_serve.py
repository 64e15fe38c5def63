"""``quntag serve``: the webhook server and scheduler until SIGTERM/SIGINT (contract §2)."""

from __future__ import annotations

import argparse
import asyncio
import signal

from bot.core.config import Config
from bot.faces.cli_community import CliExit, _config
from bot.faces.listener import listen
from bot.faces.settings import secret_problems


def serve(args: argparse.Namespace) -> int:
    cfg = _config(args)
    bad = secret_problems(cfg)
    if bad and not args.insecure_dev:
        raise CliExit(2, f"config error: {bad[0]}: empty or CHANGE-ME secret (set it, or use --insecure-dev)")
    host = args.host or cfg.server.host
    port = cfg.server.port if args.port is None else args.port
    return asyncio.run(_serve(cfg, host, port, insecure_note(bad)))


def insecure_note(bad: list[str]) -> str:
    """What ``--insecure-dev`` leaves closed or open, for the startup line ("" when every secret is set)."""
    if not bad:
        return ""
    closed = [f"{path} answers 401 to everyone until {key} is set" for key, path in
              (("server.api_token", "/api"), ("server.metrics_token", "/metrics")) if key in bad]
    return f" (insecure dev mode: {'; '.join([*closed, 'unset secrets: ' + ', '.join(bad)])})"


async def _serve(cfg: Config, host: str, port: int, note: str) -> int:
    from storage.backup import ServeLock

    lock = ServeLock(cfg.database_url())
    if not lock.acquire():
        raise CliExit(2, f"config error: storage.url: {cfg.database_url()} is in use by another quntag serve")
    try:
        return await _serve_locked(cfg, host, port, note)
    finally:
        lock.release()


async def _serve_locked(cfg: Config, host: str, port: int, note: str) -> int:
    from bot.faces.appkeys import RUNTIME
    from bot.faces.server import create_app

    app = create_app(cfg)
    runner, bound = await listen(app, host, port)
    print(f"quntag listening on http://{host}:{bound}{note}", flush=True)
    for name, adapter in app[RUNTIME].adapters.items():
        print(f"adapter {name} ({adapter.type}): visibility {adapter.visibility()}", flush=True)
    for line in app[RUNTIME].jobs.describe():
        print(f"schedule: {line}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    print("quntag: stopping (finishing in-flight work)", flush=True)
    await runner.cleanup()
    print("quntag: stopped", flush=True)
    return 0
