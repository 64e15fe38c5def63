"""``quntag news add GROUP TEXT [--date YYYY-MM-DD]``: queue a news item for a group's morning report."""

from __future__ import annotations

import argparse

from bot.domain.news_queue import BadNews, queue
from bot.faces.cli_common import CliExit, load_config, print_json, with_runtime
from bot.faces.runtime import Runtime


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    news = sub.add_parser("news", help="news items for the morning report")
    actions = news.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", parents=[common], help="queue TEXT for GROUP's next morning report")
    add.add_argument("group", help="full group id, e.g. tg:-1001234")
    add.add_argument("text", help="the item as it should appear (kept as written)")
    add.add_argument("--date", help="hold it back until this local date (YYYY-MM-DD)")


def news(args: argparse.Namespace) -> int:
    cfg = load_config(args)
    if cfg.group(args.group) is None:
        raise CliExit(1, f"unknown group: {args.group} (not listed and server.only_listed_groups is on)")

    async def go(rt: Runtime) -> int:
        group = await rt.repo.members.resolve_group(args.group)
        try:
            return await queue(rt.repo, group, args.text, args.date, "cli", "cli")
        except BadNews as exc:
            raise CliExit(1, f"error: {exc}") from None

    waiting = with_runtime(cfg, go, create=True)
    if args.json:
        print_json({"group": args.group, "date": args.date, "pending": waiting})
    else:
        when = f" on {args.date}" if args.date else ""
        print(f"queued for {args.group}{when}; {waiting} item(s) waiting")
    return 0
