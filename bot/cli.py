"""The ``quntag`` command line (contract §2). Exit codes: 0 ok, 1 unknown group/member or rejected
input, 2 bad config, 3 not available yet."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.adapters.base import ConfigError

LATER = {"segment": 5, "insights": 5, "personas": 5, "forget": 7, "backup": 7, "restore": 7}


class CliExit(Exception):
    """Stop with ``code`` after printing ``message`` on stderr."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def config_path(args: argparse.Namespace) -> Path:
    return Path(args.config or os.environ.get("QUNTAG_CONFIG") or "config.toml")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="quntag", description="Chat-group bot with explainable member profiles")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", help="config file (default: $QUNTAG_CONFIG, then ./config.toml)")
    common.add_argument("--json", action="store_true", help="print JSON")
    common.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve", parents=[common], help="webhook server and scheduler")
    s.add_argument("--insecure-dev", action="store_true", help="allow empty / CHANGE-ME secrets (development)")
    s.add_argument("--host")
    s.add_argument("--port", type=int)
    d = sub.add_parser("demo", parents=[common], help="run the bundled sample chat end to end")
    d.add_argument("--keep", metavar="DIR", help="keep the demo database in DIR")
    i = sub.add_parser("init", parents=[common], help="write a starter config")
    i.add_argument("path", nargs="?", default="config.toml")
    i.add_argument("--force", action="store_true", help="overwrite an existing file")
    pr = sub.add_parser("profile", parents=[common], help="one member's profile")
    pr.add_argument("group")
    pr.add_argument("member")
    pr.add_argument("--at", help="evaluate scores at this ISO-8601 time")
    m = sub.add_parser("members", parents=[common], help="profiles of a group")
    m.add_argument("group")
    m.add_argument("--tag", help="only members carrying this tag")
    m.add_argument("--at", help="evaluate scores at this ISO-8601 time")
    e = sub.add_parser("export", parents=[common], help="export a group's profiles")
    e.add_argument("group")
    e.add_argument("--format", choices=["csv", "json"], default="csv")
    e.add_argument("-o", "--output", help="file to write (default: stdout)")
    r = sub.add_parser("replay", parents=[common], help="import generic events from a JSONL file")
    r.add_argument("file")
    r.add_argument("--adapter", default="generic", help="adapter name the events belong to")
    db = sub.add_parser("db", parents=[common], help="database maintenance")
    db.add_argument("action", choices=["upgrade"])
    rp = sub.add_parser("report", parents=[common], help="render the morning report or weekly digest now")
    rp.add_argument("kind", choices=["morning", "weekly"])
    rp.add_argument("group")
    rp.add_argument("--send", action="store_true", help="also post it (through the outbox)")
    for name in LATER:
        later = sub.add_parser(name, parents=[common], help="(not available yet)")
        later.add_argument("rest", nargs="*")
        later.add_argument("--send", action="store_true")
        later.add_argument("--yes", action="store_true")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from bot import cli_ops

    ops: dict[str, Callable[[argparse.Namespace], int]] = {
        "serve": cli_ops.serve, "demo": cli_ops.demo, "init": cli_ops.init, "profile": cli_ops.profile,
        "members": cli_ops.members, "export": cli_ops.export, "replay": cli_ops.replay, "db": cli_ops.db,
        "report": cli_ops.report,
    }
    if args.cmd in LATER:
        print(f"not available yet (issue {LATER[args.cmd]})", file=sys.stderr)
        return 3
    try:
        return ops[args.cmd](args)
    except ConfigError as exc:
        print(f"config error: {exc}", file=sys.stderr)
        return 2
    except CliExit as exc:
        print(exc.message, file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
