"""``quntag survey send GROUP SURVEY [--segment QUERY]``: send a survey now, as ``/survey start`` does."""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import replace


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    sv = sub.add_parser("survey", help="send a survey now: to the group, or privately to a segment")
    actions = sv.add_subparsers(dest="action", required=True)
    send = actions.add_parser("send", parents=[common], help="send SURVEY for GROUP (through the outbox)")
    send.add_argument("group")
    send.add_argument("survey", help="a [[surveys]] id")
    send.add_argument("--segment", default="", help="a segment query or saved segment name (default: the survey's)")


def survey(args: argparse.Namespace) -> int:
    """Send now; exits 1 naming an unknown group, survey or a bad segment query. (Imports here: the parser is
    built for every command, and ``--help`` should not load the app.)"""
    from bot.core.events import ChatRef
    from bot.domain.segments import QueryError
    from bot.faces.cli_common import CliExit, load_config, print_json
    from bot.faces.runtime import Runtime
    from handlers.survey_reach import Sent, send_survey

    cfg = load_config(args)
    group = cfg.group(args.group)
    if group is None:
        raise CliExit(1, f"unknown group: {args.group}")
    sv = cfg.survey(args.survey)
    if sv is None:
        raise CliExit(1, f"unknown survey: {args.survey} (known: {', '.join(s.id for s in cfg.surveys) or 'none'})")

    async def go() -> Sent:
        rt = Runtime(cfg)
        await rt.start(process=False, deliver=True, schedule=False)
        try:
            if args.group not in cfg.groups and not await rt.repo.members.group_exists(args.group):
                raise CliExit(1, f"unknown group: {args.group}")
            try:
                sent = await send_survey(replace(rt.context, group=group), sv, ChatRef.of(args.group), args.segment)
            except QueryError as exc:
                raise CliExit(1, f"bad segment query: {exc}") from None
            rt.outbox.wake()
            if not await rt.outbox.drained(timeout=30.0):
                print("warning: not every message was delivered yet; it stays queued for serve", file=sys.stderr)
            return sent
        finally:
            await rt.stop()

    sent = asyncio.run(go())
    if args.json:
        print_json({"group": args.group, "survey": sv.id, "targeted": sent.targeted, "private": sent.private,
                    "mentioned": sent.mentioned})
    elif sent.targeted:
        print(f"sent {sv.id}: {sent.private} privately, {sent.mentioned} mentioned in {args.group}")
    else:
        print(f"posted {sv.id} in {args.group}")
    return 0
