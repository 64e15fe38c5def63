"""The ``quntag`` command line (contract §2). Exit codes: 0 ok, 1 unknown group/member or rejected
input, 2 bad config or usage. Every error is one line on stderr, never a traceback (``-v`` adds it)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import NoReturn

from bot.core.config import ConfigError
from bot.faces import cli_broadcast, cli_db, cli_news, cli_people, cli_purchases, cli_surveys
from handlers import group_jobs


class Parser(argparse.ArgumentParser):
    """argparse whose usage errors are one line (the usage itself is one ``--help`` away)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _version() -> str:
    try:
        return f"quntag {version('quntag')}"
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "quntag (version unknown: not installed)"


def _parser() -> argparse.ArgumentParser:
    p = Parser(prog="quntag", description="Chat-group bot with explainable member profiles")
    p.add_argument("--version", action="version", version=_version())
    common = Parser(add_help=False)
    common.add_argument("--config", help="config file (default: $QUNTAG_CONFIG, then ./config.toml)")
    common.add_argument("--json", action="store_true", help="print JSON")
    common.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    common.add_argument("--log-format", choices=["text", "json"], default=None,
                        help="log format (default: $QUNTAG_LOG_FORMAT or text)")
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve", parents=[common], help="webhook server and scheduler")
    s.add_argument("--insecure-dev", action="store_true", help="allow empty / CHANGE-ME secrets (development)")
    s.add_argument("--host")
    s.add_argument("--port", type=int)
    s.add_argument("--workers", type=int, metavar="N",
                   help="web processes sharing the port (default: server.workers, one per core); 1 = one process "
                        "for everything, more = processing in processes of its own")
    s.add_argument("--processors", type=int, metavar="K",
                   help="with --workers 2 or more: processing processes, each taking a share of the groups "
                        "(default: server.processors, 1)")
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
    cli_db.add_parser(sub, common)
    cli_purchases.add_parser(sub, common)
    cli_news.add_parser(sub, common)
    cli_broadcast.add_parser(sub, common)
    f = sub.add_parser("forget", parents=[common], help="erase everything about one member in one group")
    f.add_argument("group")
    f.add_argument("member")
    f.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    b = sub.add_parser("backup", parents=[common], help="consistent online backup of the SQLite database")
    b.add_argument("path")
    rs = sub.add_parser("restore", parents=[common],
                        help="check a backup and put it in place of the database (server stopped; the current "
                             "database is kept as a copy)")
    rs.add_argument("path")
    rs.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    sg = sub.add_parser("segment", parents=[common],
                        help="members matching a segment query, e.g. '红酒 & lifecycle=active'")
    sg.add_argument("group", help="group id (with --all-groups: the query)")
    sg.add_argument("query", nargs="?")
    sg.add_argument("--all-groups", action="store_true",
                    help="match in every group; a linked person counts once (by person id)")
    ins = sub.add_parser("insights", parents=[common], help="tag associations and best push hours")
    ins.add_argument("group")
    pe = sub.add_parser("personas", parents=[common],
                        help="persona cards: the group's members clustered by tags, hours, stage and tier")
    pe.add_argument("group")
    pe.add_argument("--members", action="store_true", help="list each persona's member ids (with --json)")
    cli_people.add_parsers(sub, common)
    rc = sub.add_parser("recompute", parents=[common], help="recompute activity tags, tiers and lifecycle now")
    rc.add_argument("group")
    reports = [j.command for j in group_jobs() if j.command]
    rp = sub.add_parser("report", parents=[common], help=f"render a scheduled report now ({', '.join(reports)})")
    rp.add_argument("kind", choices=reports)
    rp.add_argument("group")
    rp.add_argument("--send", action="store_true", help="also post it (through the outbox)")
    cli_surveys.add_parser(sub, common)
    cl = sub.add_parser("console-link", parents=[common], help="print a one-time console login link for an admin")
    cl.add_argument("member", help="full member id, an admin of some group")
    cf = sub.add_parser("config", help="show a group's effective settings and where each comes from")
    cf_actions = cf.add_subparsers(dest="action", required=True)
    cs = cf_actions.add_parser("show", parents=[common], help="settings of GROUP: config file, database or automatic")
    cs.add_argument("group")
    ob = sub.add_parser("outbox", help="messages waiting to be sent or parked after failures: list, retry, drop")
    actions = ob.add_subparsers(dest="action", required=True)
    actions.add_parser("list", parents=[common], help="what waits: id, adapter, target, age, attempts, last error")
    for action, text in (("retry", "send now (all, or the message ID)"),
                         ("drop", "remove unsent (the message ID, or all after confirmation)")):
        a = actions.add_parser(action, parents=[common], help=text)
        a.add_argument("id", nargs="?", type=int, metavar="ID", help="message id from quntag outbox list")
        if action == "drop":
            a.add_argument("--yes", action="store_true", help="drop all without asking")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from bot.faces.logs import setup

    quiet = logging.INFO if args.cmd == "serve" else logging.WARNING
    setup(logging.DEBUG if args.verbose else quiet, args.log_format or os.environ.get("QUNTAG_LOG_FORMAT", "text"))
    from bot.faces import cli_backup, cli_config, cli_console, cli_outbox, cli_privacy, cli_serve
    from bot.faces import cli_community as cli_ops
    from bot.faces import cli_insights as cli_intel
    from bot.faces.cli_common import CliExit

    ops: dict[str, Callable[[argparse.Namespace], int]] = {
        "serve": cli_serve.serve, "demo": cli_ops.demo, "init": cli_ops.init, "profile": cli_ops.profile,
        "members": cli_ops.members, "export": cli_ops.export, "replay": cli_ops.replay, "db": cli_db.db,
        "forget": cli_privacy.forget, "backup": cli_backup.backup, "restore": cli_backup.restore,
        "segment": cli_people.segment_all_groups if getattr(args, "all_groups", False) else cli_intel.segment,
        "insights": cli_intel.insights, "personas": cli_intel.personas,
        "people": cli_people.people_link, "person": cli_people.person,
        "recompute": cli_intel.recompute, "outbox": cli_outbox.outbox,
        "report": cli_ops.report, "console-link": cli_console.console_link, "config": cli_config.config_show,
        "import": cli_purchases.import_purchases,
        "news": cli_news.news,
        "broadcast": cli_broadcast.broadcast,
        "survey": cli_surveys.survey,
    }
    try:
        return ops[args.cmd](args)
    except ConfigError as exc:
        return _fail(2, f"config error: {exc}")
    except CliExit as exc:
        return _fail(exc.code, exc.message)
    except KeyboardInterrupt:
        return 130
    except OSError as exc:  # a file or folder the command needed (the commands name theirs where they can)
        where = f" ({exc.filename})" if exc.filename else ""
        return _fail(1, f"error: {exc.strerror or exc}{where}", args.verbose)
    except Exception as exc:  # a bug or an unforeseen state: still one line, the traceback only on request
        return _fail(1, f"error: {type(exc).__name__}: {exc} (run with -v for the details)", args.verbose)


def _fail(code: int, message: str, trace: bool = False) -> int:
    if trace:
        traceback.print_exc()
    lines = message.strip().splitlines() or [""]
    print(lines[0], file=sys.stderr)  # one line: SQLAlchemy and others append background on more lines
    return code


if __name__ == "__main__":
    sys.exit(main())
