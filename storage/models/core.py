"""Core tables: intake, members and their activity, tags, outbox, audit, adapter state."""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class DedupeKey(SQLModel, table=True):
    """A delivery id we have accepted: only adapter, the key's one-way form and time are kept (no payload;
    a platform's delivery id can embed a user id)."""

    __tablename__ = "dedupe_keys"
    adapter: str = Field(primary_key=True)
    key: str = Field(primary_key=True)
    at: float

class InboxRow(SQLModel, table=True):
    """An accepted, not yet processed event; deleted in the transaction that processes it."""

    __tablename__ = "inbox"
    # AUTOINCREMENT: sequence numbers are never reused after rows are deleted, so a number identifies
    # one accepted delivery for the life of the database (the in-memory hand-off relies on it).
    __table_args__ = (Index("ix_inbox_part", "part", "seq"), {"sqlite_autoincrement": True})
    seq: int | None = Field(default=None, primary_key=True)
    adapter: str
    key: str | None = None
    payload: str
    received_at: float
    part: int = 0  # the partition of its chat (``storage.partitions``): which processor takes it

class DeadLetter(SQLModel, table=True):
    """An event whose processing failed with a non-transient error; kept for the operator."""

    __tablename__ = "dead_letters"
    id: int | None = Field(default=None, primary_key=True)
    adapter: str
    payload: str
    error: str
    at: float

class Group(SQLModel, table=True):
    __tablename__ = "groups"
    id: str = Field(primary_key=True)
    adapter: str
    name: str = ""
    created_at: float

class Member(SQLModel, table=True):
    """Per member per group counters, maintained on every processed event."""

    __tablename__ = "members"
    group_id: str = Field(primary_key=True)
    member_id: str = Field(primary_key=True)
    name: str = ""
    name_at: float = 0.0
    messages: int = 0
    first_seen: float
    last_seen: float
    last_message_at: float | None = None
    joined_at: float | None = None
    left_at: float | None = None
    invited_by: str | None = None
    opted_out: bool = False

class MessageRow(SQLModel, table=True):
    """One distinct message (text only when ``store_text``); the key that makes counting exactly-once."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_member", "group_id", "member_id", "at"),
                      Index("ix_messages_at", "group_id", "at"))  # the latest messages, reports' time ranges
    group_id: str = Field(primary_key=True)
    message_id: str = Field(primary_key=True)
    member_id: str
    at: float
    local_day: str
    local_hour: int
    reply_to: str | None = None
    text: str | None = None

class MemberDay(SQLModel, table=True):
    """Messages per member per local date (active days, rate windows, daily reports)."""

    __tablename__ = "member_days"
    __table_args__ = {"sqlite_with_rowid": False}  # clustered on the key (migration 0021)
    group_id: str = Field(primary_key=True)
    member_id: str = Field(primary_key=True)
    day: str = Field(primary_key=True)
    messages: int = 0

class MemberHour(SQLModel, table=True):
    """Messages per member per local hour of day (0–23)."""

    __tablename__ = "member_hours"
    __table_args__ = {"sqlite_with_rowid": False}  # clustered on the key (migration 0021)
    group_id: str = Field(primary_key=True)
    member_id: str = Field(primary_key=True)
    hour: int = Field(primary_key=True)
    messages: int = 0

class MembershipEvent(SQLModel, table=True):
    __tablename__ = "membership_events"
    __table_args__ = (Index("ix_membership_member", "group_id", "member_id", "kind", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    group_id: str
    member_id: str
    kind: str  # join | leave
    at: float
    event_id: str = ""
    invited_by: str | None = None

class TagHit(SQLModel, table=True):
    """One keyword tag hit: one per tag per message, whatever the number of keywords matched."""

    __tablename__ = "tag_hits"
    # keyword and message_id make the member index cover a profile's evidence (newest hits per tag)
    __table_args__ = (Index("ix_tag_hits_member", "group_id", "member_id", "tag", "at", "keyword", "message_id"),
                      Index("ix_tag_hits_tag", "group_id", "tag", "at", "member_id"))
    group_id: str = Field(primary_key=True)
    message_id: str = Field(primary_key=True)
    tag: str = Field(primary_key=True)
    member_id: str
    at: float
    keyword: str

class TagRejection(SQLModel, table=True):
    """An admin rejected a keyword tag for a member at ``at``: only later hits count."""

    __tablename__ = "tag_rejections"
    group_id: str = Field(primary_key=True)
    member_id: str = Field(primary_key=True)
    tag: str = Field(primary_key=True)
    at: float

class MemberTag(SQLModel, table=True):
    """A non-keyword tag (activity, survey, manual) with an optional score."""

    __tablename__ = "member_tags"
    group_id: str = Field(primary_key=True)
    member_id: str = Field(primary_key=True)
    tag: str = Field(primary_key=True)
    category: str = ""
    source: str = "manual"
    score: float | None = None
    at: float
    evidence: str = ""  # JSON: why an activity tag holds, or who set a manual tag

class MemberAttribute(SQLModel, table=True):
    """A static attribute (age range, city, …) with provenance."""

    __tablename__ = "member_attributes"
    group_id: str = Field(primary_key=True)
    member_id: str = Field(primary_key=True)
    key: str = Field(primary_key=True)
    value: str
    source: str
    at: float

class OutboxRow(SQLModel, table=True):
    """A message waiting to be delivered; removed once the platform accepted it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "next_at"), Index("ix_outbox_part", "part", "next_at"))
    id: int | None = Field(default=None, primary_key=True)
    adapter: str
    payload: str
    attempts: int = 0
    next_at: float
    created_at: float
    last_error: str = ""
    part: int = 0  # the partition of its target chat (``storage.partitions``): which processor sends it

class ChatPace(SQLModel, table=True):
    """When the last messages to one chat left, so its rate limit holds when another processor takes it over.
    ``lane`` is a one-way digest of the chat (a private chat's names its user)."""

    __tablename__ = "chat_pace"
    lane: str = Field(primary_key=True)
    times: str  # JSON list of send times within the last minute
    at: float

class AdapterState(SQLModel, table=True):
    """Small durable facts an adapter learns (users who started a bot, the bot's status per group)."""

    __tablename__ = "adapter_state"
    adapter: str = Field(primary_key=True)
    key: str = Field(primary_key=True)
    value: str
    at: float

class AuditEntry(SQLModel, table=True):
    """Who looked at or exported member data, or erased it (privacy audit trail)."""

    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: float
    actor: str
    action: str
    group_id: str = ""
    detail: str = ""

class JobRun(SQLModel, table=True):
    """A scheduled job run, unique per group, job and fire time (never sent twice)."""

    __tablename__ = "job_runs"
    group_id: str = Field(primary_key=True)
    job: str = Field(primary_key=True)
    fire_time: float = Field(primary_key=True)
    done_at: float

class GroupAlias(SQLModel, table=True):
    """An old group id that now means another group (Telegram group → supergroup migration)."""

    __tablename__ = "group_aliases"
    alias: str = Field(primary_key=True)
    group_id: str
    at: float
