"""``quntag db upgrade`` (the schema of the configured database) and ``quntag db copy --from URL --to URL``
(every table of one database into another, empty one, with a count check per table)."""

from __future__ import annotations

import argparse

from bot.faces import cli_community
from bot.faces.cli_common import CliExit
from storage.copy import CopyError, TableCount, shown
from storage.copy import copy as copy_database


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    db = sub.add_parser("db", parents=[common],
                        help="database maintenance: upgrade the schema, copy everything to another database")
    db.add_argument("action", choices=["upgrade", "copy"])
    db.add_argument("--from", dest="source", metavar="URL",
                    help="copy: the database to read, e.g. sqlite:///quntag.db")
    db.add_argument("--to", dest="target", metavar="URL",
                    help="copy: the empty database to fill, e.g. postgresql+psycopg://quntag@127.0.0.1/quntag")


def db(args: argparse.Namespace) -> int:
    if args.action == "upgrade":
        return cli_community.db(args)
    if not args.source or not args.target:
        raise CliExit(2, "quntag db copy: both --from URL and --to URL are required")
    width = 0

    def show(count: TableCount) -> None:
        nonlocal width
        if not width:
            width = 24
            print(f"{'table':<{width}} {'source':>10} {'copied':>10}")
        mark = "" if count.copied == count.source else "  ← differs"
        print(f"{count.table:<{width}} {count.source:>10} {count.copied:>10}{mark}")

    try:
        counts = copy_database(args.source, args.target, progress=show)
    except CopyError as exc:
        raise CliExit(1, f"db copy: {exc}") from None
    rows = sum(c.copied for c in counts)
    print(f"copied {rows} rows in {len(counts)} tables from {shown(args.source)} to {shown(args.target)}; "
          "every count matches")
    return 0
