"""``quntag`` subcommands on a group's profiles and on its data: init, demo, replay, db, profile, members,
export and report."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from importlib.resources import files
from pathlib import Path

from bot.core.config import Config
from bot.domain import profiles
from bot.domain.profiles import Profile
from bot.faces.cli_common import (
    CliExit,
    at_time,
    load_config,
    print_json,
    require_database,
    require_group,
    with_runtime,
)
from bot.faces.export import to_csv, to_json, write_file
from bot.faces.runtime import Runtime
from storage.files import write_private


def _profile_line(p: Profile) -> str:
    tags = ", ".join(f"{t.name} {t.score:.2f}" if t.score is not None else t.name for t in p.tags)
    return (f"{p.name or p.member} ({p.member})  {p.lifecycle}  messages {p.stats.messages}  "
            f"active days {p.stats.active_days}  tags: {tags or '-'}")


def profile(args: argparse.Namespace) -> int:
    cfg, t = load_config(args), at_time(args)

    async def go(rt: Runtime) -> Profile:
        args.group = await require_group(rt, args.group)
        found = await profiles.load(rt.repo, cfg, args.group, [args.member], t)
        if not found:
            raise CliExit(1, f"unknown member: {args.member} in group {args.group}")
        await rt.repo.privacy.audit("cli", "lookup", args.group, args.member)
        return found[0]

    p = with_runtime(cfg, go)
    print_json(profiles.profile_json(p)) if args.json else print(_profile_line(p))
    return 0


def _group_profiles(cfg: Config, group: str, t: float, tag: str | None = None,
                    action: str = "list_members") -> list[Profile]:
    async def go(rt: Runtime) -> list[Profile]:
        gid = await require_group(rt, group)
        found = await profiles.load_group(rt.repo, cfg, gid, t, tag)
        await rt.repo.privacy.audit("cli", action, gid, f"{len(found)} profiles")
        return found
    return with_runtime(cfg, go)


def members(args: argparse.Namespace) -> int:
    cfg = load_config(args)
    found = _group_profiles(cfg, args.group, at_time(args), args.tag)
    if args.json:
        print_json([profiles.profile_json(p) for p in found])
    else:
        for p in found:
            print(_profile_line(p))
    return 0


def export(args: argparse.Namespace) -> int:
    cfg = load_config(args)
    if args.output and not Path(args.output).parent.is_dir():  # before anything is read (and audited)
        raise CliExit(1, f"cannot write {args.output}: folder {Path(args.output).parent} does not exist")
    found = _group_profiles(cfg, args.group, time.time(), action=f"export_{args.format}")
    data = to_csv(found) if args.format == "csv" else to_json(found) + "\n"
    if args.output:
        target = Path(args.output)
        try:
            write_file(target, data)
        except OSError as exc:
            raise CliExit(1, f"cannot write {target}: {exc.strerror or exc}") from None
        print(f"wrote {len(found)} profiles ({args.format}) to {target.resolve()}")
    else:
        sys.stdout.write(data)
    return 0


def db(args: argparse.Namespace) -> int:
    cfg = load_config(args)

    async def noop(rt: Runtime) -> None:
        return None

    with_runtime(cfg, noop, create=True)  # start() creates the database and applies pending migrations
    print("database is up to date")
    return 0


def init(args: argparse.Namespace) -> int:
    target = Path(args.path)
    if target.exists() and not args.force:
        raise CliExit(1, f"{target} exists; use --force to overwrite")
    text = files("bot.faces.demo").joinpath("config.example.toml").read_text(encoding="utf-8")
    try:
        write_private(target, text.encode("utf-8"))  # the config will hold secrets: owner-only
    except OSError as exc:
        raise CliExit(1, f"cannot write {target}: {exc.strerror or exc}") from None
    print(f"wrote {target}; set server.api_token, each adapter's secret and the generic adapter's outbound_url, "
          f"then run: quntag serve --config {target}")
    return 0


def replay(args: argparse.Namespace) -> int:
    from bot.faces.replay import replay_file

    cfg = load_config(args)
    if args.adapter not in cfg.adapters or cfg.adapters[args.adapter].type != "generic":
        raise CliExit(1, f"no generic adapter named {args.adapter!r} in the config")
    source = Path(args.file)
    if not source.is_file():
        raise CliExit(1, f"cannot read {source}: no such file")
    accepted, duplicate, rejected = asyncio.run(replay_file(cfg, source, args.adapter))
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


def report(args: argparse.Namespace) -> int:
    """``quntag report KIND GROUP [--send]``: render a declared scheduled report now and print it; ``--send``
    also posts it (KIND is a job's ``command``: morning, weekly)."""
    from dataclasses import replace

    from handlers import group_jobs

    cfg = load_config(args)
    group = cfg.group(args.group)
    if group is None:
        raise CliExit(1, f"unknown group: {args.group}")
    job = next(j for j in group_jobs() if j.command == args.kind)
    if not args.send:
        require_database(cfg)  # a preview only reads

    async def go() -> str:
        rt = Runtime(cfg)
        await rt.start(process=False, deliver=args.send, schedule=False)
        try:
            if args.group not in cfg.groups and not await rt.repo.members.group_exists(args.group):
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
        print_json({"group": args.group, "report": args.kind, "text": text, "sent": bool(args.send)})
    else:
        print(text)
    return 0
