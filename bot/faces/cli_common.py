"""What every ``quntag`` subcommand shares: its config, one-line exits, confirmation, and a runtime
around the command that never creates a database a read-only command merely looked for."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from bot.core.config import Config
from bot.core.timeutil import parse_at
from bot.faces.runtime import Runtime
from bot.faces.settings import load

T = TypeVar("T")
SQLITE = "sqlite:///"


class CliExit(Exception):
    """Stop with ``code`` after printing ``message`` (one line) on stderr."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def config_path(args: argparse.Namespace) -> Path:
    return Path(args.config or os.environ.get("QUNTAG_CONFIG") or "config.toml")


def load_config(args: argparse.Namespace) -> Config:
    """The validated config; a missing file says how to make one (exit 2, like every config problem)."""
    path = config_path(args)
    if not path.exists():
        raise CliExit(2, f"config error: no config file at {path} (write one with: quntag init {path})")
    return load(path)


def database_file(cfg: Config) -> Path | None:
    """The SQLite file ``storage.url`` names (None for an in-memory or server database)."""
    url = cfg.database_url()
    if not url.startswith(SQLITE) or url.endswith(":memory:"):
        return None
    return Path(url[len(SQLITE):])


def require_database(cfg: Config) -> None:
    """A command that only reads stops here when there is no database yet, instead of creating an empty
    one (a wrong ``storage.url`` or ``--config`` would otherwise leave a stray file behind)."""
    path = database_file(cfg)
    if path is not None and not path.exists():
        raise CliExit(1, f"no database at {path} yet (quntag serve or quntag db upgrade creates it; "
                         "check storage.url and --config)")


def with_runtime(cfg: Config, fn: Callable[[Runtime], Awaitable[T]], *, create: bool = False) -> T:
    """Run ``fn`` with a started runtime (no processing, delivery or schedule); the database must exist
    unless ``create``."""
    if not create:
        require_database(cfg)

    async def go() -> T:
        rt = Runtime(cfg)
        await rt.start(process=False, deliver=False, schedule=False)
        try:
            return await fn(rt)
        finally:
            await rt.stop()
    return asyncio.run(go())


def confirm(question: str, yes: bool, action: str) -> None:
    """Go on only with ``--yes`` or a ``yes`` typed on the terminal; otherwise exit 1 with nothing done."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise CliExit(1, f"refusing to {action} without --yes (no terminal to confirm on); nothing done")
    try:
        answer = input(f"{question} Type yes: ")
    except EOFError:
        answer = ""
    if answer.strip().lower() != "yes":
        raise CliExit(1, "not confirmed; nothing done")


def at_time(args: argparse.Namespace) -> float:
    if getattr(args, "at", None):
        try:
            return parse_at(args.at)
        except ValueError as exc:
            raise CliExit(1, f"--at {exc}: {args.at}") from None
    return time.time()


def print_json(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2))


async def require_group(rt: Runtime, group: str) -> str:
    """The group's current id (an old id left by a platform migration resolves to the new one)."""
    current = await rt.repo.members.resolve_group(group)
    if not await rt.repo.members.group_exists(current):
        raise CliExit(1, f"unknown group: {group}")
    return current
