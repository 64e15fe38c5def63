"""Implementations of the ``quntag`` subcommands."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections.abc import Awaitable, Callable
from importlib.resources import files
from pathlib import Path
from typing import Any, TypeVar

from bot.core.config import Config
from bot.core.timeutil import parse_at
from bot.domain import profiles
from bot.domain.profiles import Profile
from bot.faces.export import to_csv, to_json, write_file
from bot.faces.runtime import Runtime
from bot.faces.settings import load
from storage.files import write_private

T = TypeVar("T")


class CliExit(Exception):
    """Stop with ``code`` after printing ``message`` on stderr."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def config_path(args: argparse.Namespace) -> Path:
    return Path(args.config or os.environ.get("QUNTAG_CONFIG") or "config.toml")


def _config(args: argparse.Namespace) -> Config:
    return load(config_path(args))


def _with_runtime(cfg: Config, fn: Callable[[Runtime], Awaitable[T]]) -> T:
    async def go() -> T:
        rt = Runtime(cfg)
        await rt.start(process=False, deliver=False, schedule=False)
        try:
            return await fn(rt)
        finally:
            await rt.stop()
    return asyncio.run(go())


def _at(args: argparse.Namespace) -> float:
    if getattr(args, "at", None):
        try:
            return parse_at(args.at)
        except ValueError as exc:
            raise CliExit(1, f"--at {exc}: {args.at}") from None
    return time.time()


def _print_json(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2))


def _profile_line(p: Profile) -> str:
    tags = ", ".join(f"{t.name} {t.score:.2f}" if t.score is not None else t.name for t in p.tags)
    return (f"{p.name or p.member} ({p.member})  {p.lifecycle}  messages {p.stats.messages}  "
            f"active days {p.stats.active_days}  tags: {tags or '-'}")


async def _require_group(rt: Runtime, group: str) -> str:
    """The group's current id (an old id left by a platform migration resolves to the new one)."""
    current = await rt.repo.resolve_group(group)
    if not await rt.repo.group_exists(current):
        raise CliExit(1, f"unknown group: {group}")
    return current


def profile(args: argparse.Namespace) -> int:
    cfg, t = _config(args), _at(args)

    async def go(rt: Runtime) -> Profile:
        args.group = await _require_group(rt, args.group)
        found = await profiles.load(rt.repo, cfg, args.group, [args.member], t)
        if not found:
            raise CliExit(1, f"unknown member: {args.member} in group {args.group}")
        await rt.repo.audit("cli", "lookup", args.group, args.member)
        return found[0]

    p = _with_runtime(cfg, go)
    _print_json(profiles.profile_json(p)) if args.json else print(_profile_line(p))
    return 0


def _group_profiles(cfg: Config, group: str, t: float, tag: str | None = None,
                    action: str = "list_members") -> list[Profile]:
    async def go(rt: Runtime) -> list[Profile]:
        gid = await _require_group(rt, group)
        found = await profiles.load_group(rt.repo, cfg, gid, t, tag)
        await rt.repo.audit("cli", action, gid, f"{len(found)} profiles")
        return found
    return _with_runtime(cfg, go)


def members(args: argparse.Namespace) -> int:
    cfg = _config(args)
    found = _group_profiles(cfg, args.group, _at(args), args.tag)
    if args.json:
        _print_json([profiles.profile_json(p) for p in found])
    else:
        for p in found:
            print(_profile_line(p))
    return 0


def export(args: argparse.Namespace) -> int:
    cfg = _config(args)
    found = _group_profiles(cfg, args.group, time.time(), action=f"export_{args.format}")
    data = to_csv(found) if args.format == "csv" else to_json(found) + "\n"
    if args.output:
        write_file(Path(args.output), data)
    else:
        sys.stdout.write(data)
    return 0


def db(args: argparse.Namespace) -> int:
    cfg = _config(args)

    async def noop(rt: Runtime) -> None:
        return None

    _with_runtime(cfg, noop)  # start() applies pending migrations
    print("database is up to date")
    return 0


def init(args: argparse.Namespace) -> int:
    target = Path(args.path)
    if target.exists() and not args.force:
        raise CliExit(1, f"{target} exists; use --force to overwrite")
    text = files("bot.faces.demo").joinpath("config.example.toml").read_text(encoding="utf-8")
    write_private(target, text.encode("utf-8"))  # the config will hold secrets: owner-only
    print(f"wrote {target}; set server.api_token and each adapter's secret, then run: quntag serve --config {target}")
    return 0


def replay(args: argparse.Namespace) -> int:
    from bot.faces.replay import replay_file

    cfg = _config(args)
    if args.adapter not in cfg.adapters or cfg.adapters[args.adapter].type != "generic":
        raise CliExit(1, f"no generic adapter named {args.adapter!r} in the config")
    accepted, duplicate, rejected = asyncio.run(replay_file(cfg, Path(args.file), args.adapter))
    for line in rejected:
        print(line, file=sys.stderr)
    print(f"accepted {accepted} duplicate {duplicate} rejected {len(rejected)}")
    return 1 if rejected else 0


def demo(args: argparse.Namespace) -> int:
    from bot.faces.demo import DemoFailed, run_demo

    try:
        print(asyncio.run(run_demo(keep=args.keep)))
    except DemoFailed as exc:
        raise CliExit(1, str(exc)) from None
    return 0


def backup(args: argparse.Namespace) -> int:
    from storage.backup import BackupError
    from storage.backup import backup as do_backup

    cfg = _config(args)
    try:
        counts = do_backup(cfg.database_url(), Path(args.path))
    except BackupError as exc:
        raise CliExit(1, str(exc)) from None
    print(f"backup written to {args.path}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


def restore(args: argparse.Namespace) -> int:
    from storage.backup import BackupError
    from storage.backup import restore as do_restore

    cfg = _config(args)
    try:
        counts = do_restore(cfg.database_url(), Path(args.path))
    except BackupError as exc:
        raise CliExit(1, str(exc)) from None
    print(f"restored {args.path}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


def report(args: argparse.Namespace) -> int:
    """``quntag report KIND GROUP [--send]``: render a declared scheduled report now and print it; ``--send``
    also posts it (KIND is a job's ``command``: morning, weekly)."""
    from dataclasses import replace

    from handlers import group_jobs

    cfg = _config(args)
    group = cfg.group(args.group)
    if group is None:
        raise CliExit(1, f"unknown group: {args.group}")
    job = next(j for j in group_jobs() if j.command == args.kind)

    async def go() -> str:
        rt = Runtime(cfg)
        await rt.start(process=False, deliver=args.send, schedule=False)
        try:
            if args.group not in cfg.groups and not await rt.repo.group_exists(args.group):
                raise CliExit(1, f"unknown group: {args.group}")
            ctx = replace(rt.context, group=group)
            text = await job.preview(ctx, group) if job.preview is not None else ""
            if args.send:
                await job.run(ctx, group)
                rt.outbox.wake()
                if not await rt.outbox.drained(timeout=30.0):
                    print("warning: not every message was delivered yet; it stays queued for serve",
                          file=sys.stderr)
            return text
        finally:
            await rt.stop()

    text = asyncio.run(go())
    if args.json:
        _print_json({"group": args.group, "report": args.kind, "text": text, "sent": bool(args.send)})
    else:
        print(text)
    return 0
