"""``quntag forget GROUP MEMBER``: erase one member of one group from the command line."""

from __future__ import annotations

import argparse

from bot.faces.cli_common import (
    CliExit,
    confirm,
    load_config,
    print_json,
    require_database,
    require_group,
    with_runtime,
)
from bot.faces.runtime import Runtime


def forget(args: argparse.Namespace) -> int:
    """Works for any member the group stores something about (messages, a join request, a survey answer …);
    exit 1 with nothing done when there is nothing, or when it is not confirmed."""
    cfg = load_config(args)
    require_database(cfg)
    confirm(f"Erase everything about {args.member} in {args.group}?", args.yes, "erase")

    async def go(rt: Runtime) -> dict[str, int]:
        args.group = await require_group(rt, args.group)
        if not await rt.repo.privacy.member_stored(args.group, args.member):
            raise CliExit(1, f"unknown member: {args.member} in group {args.group}")
        return await rt.repo.privacy.forget_member(args.group, args.member, actor="cli")

    removed = with_runtime(cfg, go)
    if args.json:
        print_json(removed)
    else:
        print(f"erased {sum(removed.values())} rows: " + ", ".join(f"{k} {v}" for k, v in sorted(removed.items())))
    return 0
