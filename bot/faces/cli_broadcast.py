"""``quntag broadcast``: preview a broadcast (``--dry-run``) or queue it (``--yes``) for the running server."""

from __future__ import annotations

import argparse
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the parser is built on every quntag start; the work's imports load only when it runs
    from bot.faces import broadcast_requests as requests
    from bot.faces.runtime import Runtime


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    b = sub.add_parser("broadcast", parents=[common],
                       help="send copy per segment to groups, privately where possible (preview with --dry-run)")
    b.add_argument("groups", nargs="*", metavar="GROUP", help="group ids (default: every configured group)")
    b.add_argument("--text", help="the copy for everyone no --variant matches")
    b.add_argument("--variant", action="append", default=[], metavar="SEGMENT=TEXT",
                   help="copy for a segment (query or saved name); a member gets the first that matches")
    b.add_argument("--segment", help="reach only the members of this segment")
    b.add_argument("--at", help="send time, ISO-8601 (default: now)")
    b.add_argument("--dry-run", action="store_true", help="only show who would get what")
    b.add_argument("--yes", action="store_true", help="queue without asking")


def _data(args: argparse.Namespace) -> dict[str, Any]:
    from bot.faces.cli_common import CliExit

    variants = []
    for v in args.variant:
        seg, sep, text = v.partition("=")
        if not sep or not seg.strip():
            raise CliExit(1, f"--variant must be SEGMENT=TEXT: {v}")
        variants.append({"segment": seg.strip(), "text": text})
    data: dict[str, Any] = {"variants": variants}
    if args.groups:
        data["groups"] = args.groups
    for key in ("text", "segment", "at"):
        if getattr(args, key) is not None:
            data[key] = getattr(args, key)
    return data


def broadcast(args: argparse.Namespace) -> int:
    from bot.domain.broadcasts import SpecError
    from bot.faces import broadcast_requests as requests
    from bot.faces.cli_common import CliExit, confirm, load_config, print_json, with_runtime

    cfg = load_config(args)
    data = _data(args)

    async def plan(rt: Runtime) -> tuple[requests.Request, list[dict[str, Any]]]:
        now = time.time()
        try:
            req = requests.request_from(data, rt.context, now)
            missing = await requests.unknown_groups(rt.context, req.groups)
            if missing:
                raise CliExit(1, f"unknown group: {missing[0]}")
            return req, await requests.preview(rt.context, req, now)
        except SpecError as exc:
            raise CliExit(1, f"broadcast: {exc}") from None

    req, shown = with_runtime(cfg, plan)
    if args.json and args.dry_run:
        print_json(shown)
    else:
        for g in shown:
            print(f"{g['group']} at {g['send_at']}: {g['total']} members "
                  f"({g['unsubscribed']} unsubscribed, {g['capped']} over max_per_week)")
            for v in g["variants"]:
                print(f"  [{v['segment'] or 'everyone else'}] {v['private']} private, {v['mention']} mentioned: "
                      f"{v['text']}")
    if args.dry_run:
        return 0
    confirm(f"Queue this broadcast to {len(req.groups)} group(s)?", args.yes, "queue a broadcast")

    async def go(rt: Runtime) -> list[dict[str, Any]]:
        return await requests.queue(rt.context, req, "cli")

    queued = with_runtime(cfg, go)
    if args.json:
        print_json(queued)
    else:
        for q in queued:
            print(f"queued broadcast #{q['id']} to {q['group']} at {q['send_at']} (quntag serve sends it)")
    return 0
