"""``quntag backup PATH`` and ``quntag restore PATH``: a consistent copy of the live database, and a checked
restore that asks first and keeps the database it replaces."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.faces.cli_common import CliExit, confirm, database_file, load_config
from storage.backup import BackupError
from storage.backup import backup as backup_database
from storage.backup import restore as restore_database


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items())


def backup(args: argparse.Namespace) -> int:
    cfg = load_config(args)
    try:
        counts = backup_database(cfg.database_url(), Path(args.path))
    except BackupError as exc:
        raise CliExit(1, str(exc)) from None
    print(f"backup written to {args.path}: {_counts(counts)}")
    return 0


def restore(args: argparse.Namespace) -> int:
    cfg = load_config(args)
    current = database_file(cfg)

    def ask(counts: dict[str, int]) -> None:
        confirm(f"Replace {current} with {args.path} ({_counts(counts)})? The current database is kept as a "
                "copy beside it.", args.yes, "restore")

    try:
        done = restore_database(cfg.database_url(), Path(args.path), ask)
    except BackupError as exc:
        raise CliExit(1, str(exc)) from None
    kept = f"; the previous database is kept at {done.safety_copy}" if done.safety_copy else ""
    print(f"restored {args.path}: {_counts(done.counts)}{kept}")
    return 0
