"""Console logins SQL: one-time login links and sessions, addressed by one-way hashes only."""

from __future__ import annotations

from sqlalchemy import Connection, delete, insert, select, update
from sqlmodel import col

from storage.models import ConsoleLoginToken, ConsoleSession

# How a redeemed link turned out (the console shows a page for each).
OK, UNKNOWN, EXPIRED, USED = "ok", "unknown", "expired", "used"

# Spent and expired links are kept this long so a second click still says "already used" / "expired"
# instead of "unknown"; after that they go (they name an admin and are of no further use).
KEEP_SPENT_S = 86400.0


def add_token(conn: Connection, token_hash: str, member_id: str, now: float, expires_at: float) -> None:
    """Store a new login link, and drop links and sessions that ran out (nothing else ever needs them)."""
    conn.execute(delete(ConsoleLoginToken).where(col(ConsoleLoginToken.expires_at) < now - KEEP_SPENT_S))
    conn.execute(delete(ConsoleSession).where(col(ConsoleSession.expires_at) < now))
    conn.execute(insert(ConsoleLoginToken).values(
        token_hash=token_hash, member_id=member_id, created_at=now, expires_at=expires_at, used_at=None))


def redeem(conn: Connection, token_hash: str, session_hash: str, now: float,
           session_expires_at: float) -> tuple[str, str | None]:
    """Spend a login link and open a session for its member in the same transaction: (outcome, member).
    The writer runs one job at a time, so two clicks on one link cannot both succeed."""
    t = ConsoleLoginToken
    row = conn.execute(select(col(t.member_id), col(t.expires_at), col(t.used_at))
                       .where(col(t.token_hash) == token_hash)).first()
    if row is None:
        return UNKNOWN, None
    member, expires_at, used_at = str(row[0]), float(row[1]), row[2]
    if used_at is not None:
        return USED, member
    if expires_at <= now:
        return EXPIRED, member
    conn.execute(update(t).where(col(t.token_hash) == token_hash).values(used_at=now))
    conn.execute(insert(ConsoleSession).values(
        id_hash=session_hash, member_id=member, created_at=now, expires_at=session_expires_at))
    return OK, member


def session(conn: Connection, session_hash: str, now: float) -> tuple[str, float] | None:
    """(member, expires_at) of a session that has not ended."""
    s = ConsoleSession
    row = conn.execute(select(col(s.member_id), col(s.expires_at))
                       .where(col(s.id_hash) == session_hash, col(s.expires_at) > now)).first()
    return None if row is None else (str(row[0]), float(row[1]))


def end_session(conn: Connection, session_hash: str) -> int:
    return int(conn.execute(delete(ConsoleSession).where(col(ConsoleSession.id_hash) == session_hash)).rowcount or 0)


def end_member_sessions(conn: Connection, member_id: str) -> int:
    return int(conn.execute(delete(ConsoleSession).where(col(ConsoleSession.member_id) == member_id)).rowcount or 0)
