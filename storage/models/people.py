"""One person across the matrix: accounts a member proved (or an admin recorded) to be theirs, and the
one-time codes that prove it.

Neither table has a ``group_id``: a link belongs to the person, not to one group, so ``/forget`` in one group
leaves it; ``/forget 全部`` removes it with everything else. A code is kept only as a one-way hash.
"""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class PersonLink(SQLModel, table=True):
    """``member_id`` (an account on one platform) belongs to ``person_id``. ``how`` is ``code`` (the member
    proved it) or ``admin`` (with the admin's ``reason``, also in the audit log)."""

    __tablename__ = "person_links"
    __table_args__ = (Index("ix_person_links_person", "person_id"),)
    member_id: str = Field(primary_key=True)
    person_id: str
    linked_at: float
    how: str
    reason: str = ""


class LinkCode(SQLModel, table=True):
    """A one-time link code issued to ``member_id``: valid until ``expires_at``, spent at ``used_at``."""

    __tablename__ = "link_codes"
    code_hash: str = Field(primary_key=True)
    member_id: str
    expires_at: float
    used_at: float | None = None
