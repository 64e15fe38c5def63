"""One-time download links for a member's own data, addressed by one-way hashes only."""

from __future__ import annotations

from sqlalchemy import Connection, delete, insert, select, update
from sqlmodel import col

from storage.models import DataExportLink
from storage.repo.console_logins import EXPIRED, KEEP_SPENT_S, OK, UNKNOWN, USED

__all__ = ["EXPIRED", "OK", "UNKNOWN", "USED", "add", "redeem"]


def add(conn: Connection, token_hash: str, group_id: str, member_id: str, now: float, expires_at: float) -> None:
    """Store a new link, and drop links that ran out a while ago (they name a member and open nothing)."""
    conn.execute(delete(DataExportLink).where(col(DataExportLink.expires_at) < now - KEEP_SPENT_S))
    conn.execute(insert(DataExportLink).values(token_hash=token_hash, group_id=group_id, member_id=member_id,
                                               created_at=now, expires_at=expires_at, used_at=None))


def redeem(conn: Connection, token_hash: str, now: float) -> tuple[str, str | None, str | None]:
    """Spend a link: (outcome, group, member). The writer runs one job at a time, so two downloads with one
    link cannot both succeed."""
    t = DataExportLink
    row = conn.execute(select(col(t.group_id), col(t.member_id), col(t.expires_at), col(t.used_at))
                       .where(col(t.token_hash) == token_hash)).first()
    if row is None:
        return UNKNOWN, None, None
    group, member = str(row[0]), str(row[1])
    if row[3] is not None:
        return USED, group, member
    if float(row[2]) <= now:
        return EXPIRED, group, member
    conn.execute(update(t).where(col(t.token_hash) == token_hash).values(used_at=now))
    return OK, group, member
