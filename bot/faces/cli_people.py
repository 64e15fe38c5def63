"""``quntag people link A B --reason …``, ``quntag person MEMBER``, ``quntag segment --all-groups QUERY``:
one person across the matrix from the command line."""

from __future__ import annotations

import argparse
import time
from typing import Any

from bot.domain import people
from bot.domain.segments import QueryError
from bot.faces.cli_common import CliExit, load_config, print_json, with_runtime
from bot.faces.runtime import Runtime


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    pp = sub.add_parser("people", help="link accounts into one person (admins, with a recorded reason)")
    actions = pp.add_subparsers(dest="action", required=True)
    lk = actions.add_parser("link", parents=[common], help="link two member ids (e.g. telegram:5001 onebot:10086)")
    lk.add_argument("a")
    lk.add_argument("b")
    lk.add_argument("--reason", required=True, help="why they are one person (kept with the link and audited)")
    pr = sub.add_parser("person", parents=[common], help="the merged view of a member's linked accounts")
    pr.add_argument("member")


def people_link(args: argparse.Namespace) -> int:
    cfg = load_config(args)
    if not args.reason.strip():
        raise CliExit(2, "--reason must say why the two accounts are one person")
    if args.a == args.b:
        raise CliExit(2, "give two different member ids")

    async def go(rt: Runtime) -> str:
        return await people.admin_link(rt.repo, args.a, args.b, args.reason, actor="cli")

    person = with_runtime(cfg, go)
    if args.json:
        print_json({"person": person, "accounts": sorted([args.a, args.b])})
    else:
        print(f"linked {args.a} and {args.b} as {person}")
    return 0


def person(args: argparse.Namespace) -> int:
    cfg = load_config(args)

    async def go(rt: Runtime) -> dict[str, Any] | None:
        pid = await rt.repo.people.person_of(args.member)
        return await people.person_view(rt.repo, cfg, pid, time.time()) if pid else None

    view = with_runtime(cfg, go)
    if view is None:
        raise CliExit(1, f"{args.member} is not linked to another account")
    if args.json:
        print_json(view)
        return 0
    print(f"{view['person']}: {', '.join(view['accounts'])}")
    for g in view["groups"]:
        print(f"  {g['group']}  {g['member']}  {g['lifecycle']}  {'、'.join(g['tags']) or '-'}")
    return 0


def segment_all_groups(args: argparse.Namespace) -> int:
    """``quntag segment --all-groups QUERY``: the one positional is the query."""
    if args.query is not None:
        raise CliExit(2, "with --all-groups give only the query")
    cfg = load_config(args)

    async def go(rt: Runtime) -> list[str]:
        try:
            found = await people.segment_everywhere(rt.repo, cfg, args.group, time.time())
        except QueryError as exc:
            raise CliExit(1, f"query error: {exc}") from None
        await rt.repo.privacy.audit("cli", "segment", "", f"all groups {args.group[:200]}: {len(found)}")
        return found

    found = with_runtime(cfg, go)
    if args.json:
        print_json(found)
    else:
        print("\n".join([*found, f"{len(found)} people"]))
    return 0
