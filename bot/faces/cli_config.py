"""``quntag config show GROUP``: a group's effective settings and where each comes from (contract §9): the
config file, the database (changed in the console or in chat; it overrides the file for that group until the
file's value is edited), or the automatic choice."""

from __future__ import annotations

import argparse

from bot.domain.group_settings import effective
from bot.faces.cli_common import CliExit, load_config, print_json, with_runtime
from bot.faces.cli_table import table
from bot.faces.runtime import Runtime
from handlers import scheduled_jobs


def config_show(args: argparse.Namespace) -> int:
    cfg = load_config(args)

    async def go(rt: Runtime) -> list[tuple[str, str, str]]:
        gid = await rt.repo.members.resolve_group(args.group)
        group = cfg.group(gid)
        if group is None or (gid not in cfg.groups and not await rt.repo.members.group_exists(gid)):
            raise CliExit(1, f"unknown group: {args.group} (neither in the config nor seen yet)")
        return [(k, v.value, v.source) for k, v in await effective(rt.repo, cfg, group, scheduled_jobs(cfg))]

    rows = with_runtime(cfg, go)
    if args.json:
        print_json({"group": args.group, "settings": [{"key": k, "value": v, "source": s} for k, v, s in rows]})
    else:
        print(table(("key", "value", "source"), [(k, v or "-", s) for k, v, s in rows]))
    return 0
