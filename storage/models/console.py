"""Operator console tables: one-time login links and browser sessions, both kept only as one-way hashes.

Neither table has a ``group_id``: an admin's login belongs to the person, not to one group, so erasing a
member in one group leaves their console login alone (it is ended by logging out or by expiry).
"""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class ConsoleLoginToken(SQLModel, table=True):
    """A one-time login link: valid until ``expires_at``, spent at ``used_at``. The link's token itself is
    never stored, only its hash, so a copy of the database opens nothing."""

    __tablename__ = "console_login_tokens"
    __table_args__ = (Index("ix_console_login_tokens_expires", "expires_at"),)
    token_hash: str = Field(primary_key=True)
    member_id: str
    created_at: float
    expires_at: float
    used_at: float | None = None


class ConsoleSession(SQLModel, table=True):
    """A browser logged in to the console as ``member_id`` until ``expires_at`` (the cookie holds the id,
    the table only its hash). Logging out deletes the row."""

    __tablename__ = "console_sessions"
    __table_args__ = (Index("ix_console_sessions_member", "member_id"),
                      Index("ix_console_sessions_expires", "expires_at"))
    id_hash: str = Field(primary_key=True)
    member_id: str
    created_at: float
    expires_at: float
