"""The feed cache: what each feed URL answered last (for conditional GET) and the entries it listed."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class FeedState(SQLModel, table=True):
    """The last fetch of one feed URL: validators for the next conditional GET, and how it went."""

    __tablename__ = "feed_state"
    url: str = Field(primary_key=True)
    etag: str = ""
    last_modified: str = ""
    checked_at: float = 0.0
    ok_at: float | None = None
    status: int = 0  # HTTP status of the last answer; 0 = no answer (timeout, refused)
    error: str = ""


class FeedEntry(SQLModel, table=True):
    """One entry a feed listed, as written (title and link), first seen at ``seen_at``."""

    __tablename__ = "feed_entries"
    url: str = Field(primary_key=True)
    entry_key: str = Field(primary_key=True)  # the entry's id (guid), else its link, else its title
    title: str
    link: str = ""
    summary: str = ""
    published: float | None = None
    seen_at: float
