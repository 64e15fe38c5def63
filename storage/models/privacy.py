"""Privacy tables: the do-not-profile marker that outlives an erasure, and erasures still settling."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class DoNotProfile(SQLModel, table=True):
    """A member refused profiling in a group (``/optout``). ``member_key`` is a one-way key of the member
    id (``storage.repo.privacy.one_way``): the marker survives ``/forget`` without naming anyone, and
    whoever knows the id can still tell that its next message must not be profiled."""

    __tablename__ = "do_not_profile"
    group_id: str = Field(primary_key=True)
    member_key: str = Field(primary_key=True)


class PendingErasure(SQLModel, table=True):
    """An erasure that events accepted before it may still reach: ``watermark`` is the last inbox
    sequence number that existed when it committed. The processor applies the erasure again after each
    such event and drops the row once no waiting event is that old (seconds, normally), so ``subject``
    (the member id) is kept no longer than the events that could name it."""

    __tablename__ = "pending_erasures"
    id: int | None = Field(default=None, primary_key=True)
    group_id: str
    subject: str
    watermark: int
    names: str = "[]"  # JSON: the display names the member went by (their rows are gone)
    at: float


class DataExportLink(SQLModel, table=True):
    """A one-time link to download a member's data (``/mydata``): valid until ``expires_at``, spent at
    ``used_at``. Only the token's hash is stored; the file is built when the link is used, so no copy of the
    data waits on disk. It names the member, so ``/forget`` erases it with the rest."""

    __tablename__ = "data_export_links"
    token_hash: str = Field(primary_key=True)
    group_id: str
    member_id: str
    created_at: float
    expires_at: float
    used_at: float | None = None
