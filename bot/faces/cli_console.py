"""``quntag console-link MEMBER``: a one-time console login link, for bootstrap and platforms without
private messages (contract §9)."""

from __future__ import annotations

import argparse
import asyncio
import json
import time

from bot.core.config import Config
from bot.faces.cli_common import CliExit, load_config
from bot.faces.console import ConsoleLogins
from bot.faces.console.auth import LINK_VALID_S
from storage.db import Database
from storage.repo import Repo
from storage.repo.stores.console import SqlConsoleStore


def console_link(args: argparse.Namespace) -> int:
    cfg = load_config(args)
    url = asyncio.run(_issue(cfg, args.member))
    if url is None:
        raise CliExit(1, f"{args.member} is no admin of any group (add it to a group's admins or to "
                         "[defaults] admins)")
    if args.json:
        print(json.dumps({"member": args.member, "url": url, "valid_seconds": int(LINK_VALID_S)}))
    else:
        print(url)
    return 0


async def _issue(cfg: Config, member_id: str) -> str | None:
    """Only the database is opened (migrated first): the link works whether or not ``serve`` is running."""
    db = Database(cfg.database_url(), cfg.storage.sync)
    db.start()
    try:
        await db.migrate()
        url = await ConsoleLogins(cfg, SqlConsoleStore(db), time.time).issue(member_id)
        if url is not None:
            await Repo(db).privacy.audit("cli", "console_link", "", member_id)
        return url
    finally:
        await db.close()
