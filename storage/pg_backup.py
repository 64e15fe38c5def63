"""Backups of a PostgreSQL database with ``pg_dump`` (PostgreSQL's own tool, from the postgresql-client
package), consistent with the row counts printed for it; restores are left to ``pg_restore`` by hand."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import make_url, text

from storage.db import make_engine
from storage.files import ensure_private


class PgToolMissing(Exception):
    """``pg_dump`` or ``pg_restore`` is not installed; the message names it and the package."""


def libpq(url: str) -> tuple[str, dict[str, str]]:
    """``url`` as libpq takes it (no driver suffix, the password in the environment, not the command line)."""
    parsed = make_url(url)
    env = {**os.environ}
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise PgToolMissing(f"{name} is not installed (apt-get install postgresql-client, the same major version "
                            "as the server)")
    return found


def dump(url: str, target: Path) -> dict[str, int]:
    """``pg_dump --format=custom`` of the database into ``target`` (owner-only), taken from the same snapshot
    as the returned row counts of key tables. Raises ``PgToolMissing`` or ``RuntimeError`` (one line)."""
    pg_dump = tool("pg_dump")
    uri, env = libpq(url)
    tmp = target.with_name(target.name + ".partial")
    ensure_private(tmp)
    engine = make_engine(url, pool_size=1)
    try:
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            counts = {t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())
                      for t in ("groups", "members", "messages")}
            # The snapshot lives as long as this transaction: pg_dump runs inside it.
            done = subprocess.run([pg_dump, "--format=custom", "--no-owner", f"--snapshot={snapshot}",
                                   f"--file={tmp}", f"--dbname={uri}"], env=env, capture_output=True, text=True,
                                  check=False)
    finally:
        engine.dispose()
    if done.returncode != 0:
        tmp.unlink(missing_ok=True)
        reason = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
        raise RuntimeError(f"pg_dump failed: {reason}")
    os.replace(tmp, target)
    return counts


def restore_hint(url: str, source: Path) -> str:
    """The one line that tells how to restore ``source`` into the PostgreSQL database at ``url``."""
    tool("pg_restore")
    shown = make_url(url).set(drivername="postgresql").render_as_string(hide_password=True)
    return (f"restore of a PostgreSQL database is done with pg_restore, with every quntag serve stopped: "
            f"pg_restore --clean --if-exists --no-owner --single-transaction --dbname={shown} {source}")
