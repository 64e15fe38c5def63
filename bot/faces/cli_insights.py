"""``quntag segment | insights | personas | recompute``: member intelligence from the command line."""

from __future__ import annotations

import argparse
import time
from typing import Any

from bot.core.render import Renderer
from bot.domain import insights as insights_mod
from bot.domain import personas as personas_mod
from bot.domain.profiles import Profile
from bot.domain.recompute import recompute_group
from bot.domain.segments import QueryError
from bot.faces.cli_common import CliExit, load_config, print_json, require_group, with_runtime
from bot.faces.runtime import Runtime


def segment(args: argparse.Namespace) -> int:
    if args.query is None:
        raise CliExit(2, "give GROUP and QUERY (or --all-groups QUERY)")
    cfg = load_config(args)

    async def go(rt: Runtime) -> list[Profile]:
        args.group = await require_group(rt, args.group)
        try:
            found = await insights_mod.segment(rt.repo, cfg, args.group, args.query, time.time())
        except QueryError as exc:
            raise CliExit(1, f"query error: {exc}") from None
        await rt.repo.privacy.audit("cli", "segment", args.group, f"{args.query[:200]}: {len(found)} members")
        return found

    found = with_runtime(cfg, go)
    if args.json:
        print_json([p.member for p in found])
    else:
        for p in found:
            print(f"{p.member}\t{p.name}")
        print(f"{len(found)} members")
    return 0


def insights(args: argparse.Namespace) -> int:
    cfg = load_config(args)

    async def go(rt: Runtime) -> dict[str, Any]:
        args.group = await require_group(rt, args.group)
        return await insights_mod.insights(rt.repo, cfg, args.group, time.time())

    data = with_runtime(cfg, go)
    if args.json:
        print_json(data)
        return 0
    print("best hours: " + (", ".join(f"{h:02d}:00" for h in data["best_hours"]) or "-"))
    for a in data["associations"]:
        print(f"{a['if']} → {a['then']}  support {a['support']}  "
              f"confidence {a['confidence']:.2f}  lift {a['lift']:.2f}")
    return 0


def personas(args: argparse.Namespace) -> int:
    cfg = load_config(args)
    group = cfg.group(args.group)
    locale = group.locale if group else cfg.defaults.locale

    async def go(rt: Runtime) -> list[dict[str, Any]]:
        args.group = await require_group(rt, args.group)
        return await personas_mod.personas(rt.repo, cfg, args.group, time.time(), locale,
                                           with_members=args.members)

    cards = with_runtime(cfg, go)
    if args.json:
        print_json(cards)
        return 0
    render = Renderer()
    print("\n\n".join(render("persona", locale, c=c) for c in cards)
          or "no persona: too few members with enough messages")
    return 0


def recompute(args: argparse.Namespace) -> int:
    cfg = load_config(args)

    async def go(rt: Runtime) -> int:
        args.group = await require_group(rt, args.group)
        result = await recompute_group(rt.repo, cfg, args.group, time.time())
        return len(result.transitions)

    moved = with_runtime(cfg, go)
    print(f"recomputed {args.group}: {moved} lifecycle transitions")
    return 0
