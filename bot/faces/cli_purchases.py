"""``quntag import purchases FILE.csv``: orders from a shop's export, idempotent on the order id (contract §9).

Prints ``imported N skipped N rejected N`` — orders stored now, orders stored before (left as they were),
rejected lines — then one ``LINE: reason`` per rejected line; exits 1 when a line was rejected.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.faces.cli_common import CliExit, load_config, with_runtime
from bot.faces.purchase_csv import CsvRefused, decode, read
from bot.faces.runtime import Runtime


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    imp = sub.add_parser("import", help="import data from a file: purchases")
    kinds = imp.add_subparsers(dest="kind", required=True)
    p = kinds.add_parser("purchases", parents=[common],
                         help="orders from a CSV: order,time,member,group,amount,currency,channel,sku,name,"
                              "category,qty,price (one row per item)")
    p.add_argument("file")


def import_purchases(args: argparse.Namespace) -> int:
    cfg = load_config(args)
    source = Path(args.file)
    if not source.is_file():
        raise CliExit(1, f"cannot read {source}: no such file")
    try:
        found = read(decode(source.read_bytes()), cfg.timezone_of)
    except CsvRefused as exc:
        raise CliExit(1, f"{source}: {exc}") from None

    async def store(rt: Runtime) -> list[bool]:
        return await rt.repo.commerce.import_orders(found.orders)

    fresh = with_runtime(cfg, store, create=True) if found.orders else []
    imported = sum(fresh)
    print(f"imported {imported} skipped {len(fresh) - imported} rejected {len(found.rejected)}")
    for line, reason in found.rejected:
        print(f"{line}: {reason}")
    return 1 if found.rejected else 0
