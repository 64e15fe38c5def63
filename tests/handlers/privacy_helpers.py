"""Helpers for privacy tests: per-member snapshots and raw scans of the database files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import String, func, select, text
from sqlmodel.sql.sqltypes import AutoString

from storage.repo.privacy import member_tables


def _db(bot_or_runtime: Any) -> Any:
    """The database of a test bot or of a runtime."""
    return getattr(bot_or_runtime, "runtime", bot_or_runtime).db


async def member_rows(bot: Any, member: str, group: str = "generic:g-1",
                      mentions: bool = True) -> dict[str, list[tuple[Any, ...]]]:
    """Every per-member row about ``member`` in ``group``, plus (``mentions``) other members' signals that
    mention them."""
    def read(conn: Any) -> dict[str, list[tuple[Any, ...]]]:
        out: dict[str, list[tuple[Any, ...]]] = {}
        for t in member_tables():
            rows = conn.execute(select(t).where(t.c.group_id == group, t.c.member_id == member)).all()
            out[t.name] = sorted(tuple(r) for r in rows)
        if not mentions:
            return out
        out["mentioned_in_signals"] = sorted(tuple(r) for r in conn.execute(text(
            "SELECT message_id FROM message_signals WHERE group_id = :g AND mentions LIKE :m"),
            {"g": group, "m": f"%{member}%"}).all())
        return out
    return dict(await _db(bot).read(read))


async def tables_containing(bot: Any, needle: str) -> dict[str, int]:
    """Rows per table where any text column contains ``needle`` (every table, whichever feature added it)."""
    def scan(conn: Any) -> dict[str, int]:
        from sqlmodel import SQLModel

        found: dict[str, int] = {}
        for t in SQLModel.metadata.sorted_tables:
            cols = [c for c in t.c if isinstance(c.type, String | AutoString)]
            if not cols:
                continue
            cond = cols[0].contains(needle, autoescape=True)
            for c in cols[1:]:
                cond = cond | c.contains(needle, autoescape=True)
            n = conn.execute(select(func.count()).select_from(t).where(cond)).scalar()
            if n:
                found[t.name] = int(n)
        return found
    return dict(await _db(bot).read(scan))


def raw_files_containing(db_path: Path, needle: str) -> list[str]:
    """Names of the SQLite files (database, WAL) whose raw bytes contain ``needle``."""
    hits = []
    for p in (db_path, db_path.with_name(db_path.name + "-wal")):
        if p.exists() and needle.encode() in p.read_bytes():
            hits.append(p.name)
    return hits
