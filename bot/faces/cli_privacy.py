"""``quntag forget GROUP MEMBER``: erase one member of one group from the command line."""

from __future__ import annotations

import argparse
import sys

from bot.faces.cli_community import CliExit, _config, _print_json, _require_group, _with_runtime
from bot.faces.runtime import Runtime


def forget(args: argparse.Namespace) -> int:
    """Works for any member the group stores something about (messages, a join request, a survey answer …);
    exit 1 with nothing done when there is nothing, or when it is not confirmed."""
    cfg = _config(args)
    if not args.yes:
        if not sys.stdin.isatty():
            raise CliExit(1, "refusing to erase without --yes (no terminal to confirm on)")
        answer = input(f"Erase everything about {args.member} in {args.group}? Type yes: ")
        if answer.strip().lower() != "yes":
            raise CliExit(1, "nothing erased")

    async def go(rt: Runtime) -> dict[str, int]:
        args.group = await _require_group(rt, args.group)
        if not await rt.repo.member_stored(args.group, args.member):
            raise CliExit(1, f"unknown member: {args.member} in group {args.group}")
        return await rt.repo.forget_member(args.group, args.member, actor="cli")

    removed = _with_runtime(cfg, go)
    if args.json:
        _print_json(removed)
    else:
        print(f"erased {sum(removed.values())} rows: " + ", ".join(f"{k} {v}" for k, v in sorted(removed.items())))
    return 0
