"""SQLModel tables. Times are unix seconds (UTC) as floats; local days are ISO dates in the group's zone.

Only ``storage/`` imports these. Schema changes go through alembic migrations in
``storage/migrations/versions`` (never ``create_all``).
"""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class DedupeKey(SQLModel, table=True):
    """A delivery id we have accepted: only adapter, key and time are kept (no payload)."""

    __tablename__ = "dedupe_keys"
    adapter: str = Field(primary_key=True)
    key: str = Field(primary_key=True)
    at: float


class InboxRow(SQLModel, table=True):
    """An accepted, not yet processed event; deleted in the transaction that processes it."""

    __tablename__ = "inbox"
    # AUTOINCREMENT: sequence numbers are never reused after rows are deleted, so a number identifies
    # one accepted delivery for the life of the database (the in-memory hand-off relies on it).
    __table_args__ = {"sqlite_autoincrement": True}
    seq: int | None = Field(default=None, primary_key=True)
    adapter: str
    key: str | None = None
    payload: str
    received_at: float


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
    __table_args__ = (Index("ix_messages_member", "group_id", "member_id", "at"),)
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
    group_id: str = Field(primary_key=True)
    member_id: str = Field(primary_key=True)
    day: str = Field(primary_key=True)
    messages: int = 0


class MemberHour(SQLModel, table=True):
    """Messages per member per local hour of day (0–23)."""

    __tablename__ = "member_hours"
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
    __table_args__ = (Index("ix_tag_hits_member", "group_id", "member_id", "tag", "at"),
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
    __table_args__ = (Index("ix_outbox_due", "next_at"),)
    id: int | None = Field(default=None, primary_key=True)
    adapter: str
    payload: str
    attempts: int = 0
    next_at: float
    created_at: float
    last_error: str = ""


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


class MessageSignal(SQLModel, table=True):
    """Per-message facts for activity tags, detected at intake (so no text needs to be stored)."""

    __tablename__ = "message_signals"
    __table_args__ = (Index("ix_message_signals_at", "group_id", "at"),)
    group_id: str = Field(primary_key=True)
    message_id: str = Field(primary_key=True)
    member_id: str
    at: float
    question: bool = False
    link: bool = False
    reply_to: str | None = None
    mentions: str = ""  # space-separated member ids


class MemberState(SQLModel, table=True):
    """Derived per-member state from the last recompute: value tier (with breakdown) and lifecycle stage."""

    __tablename__ = "member_states"
    group_id: str = Field(primary_key=True)
    member_id: str = Field(primary_key=True)
    tier: str = "ordinary"
    score: float = 0.0
    breakdown: str = "{}"  # JSON
    stage: str = ""
    stage_since: float = 0.0
    at: float = 0.0


class LifecycleTransition(SQLModel, table=True):
    """A member moved from one lifecycle stage to another at ``at`` (seen by a recompute)."""

    __tablename__ = "lifecycle_transitions"
    __table_args__ = (Index("ix_lifecycle_transitions_at", "group_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    group_id: str
    member_id: str
    from_stage: str
    to_stage: str
    at: float


class SavedSegment(SQLModel, table=True):
    """A named segment query saved by an admin."""

    __tablename__ = "saved_segments"
    group_id: str = Field(primary_key=True)
    name: str = Field(primary_key=True)
    query: str
    created_by: str = ""
    at: float


class IntelState(SQLModel, table=True):
    """Small per-group intelligence state: recompute fingerprint, saved tier weights, pending notifies."""

    __tablename__ = "intel_state"
    group_id: str = Field(primary_key=True)
    key: str = Field(primary_key=True)
    value: str
    at: float


class GroupSetting(SQLModel, table=True):
    """A per-group setting changed in chat (e.g. the morning report time).

    ``config_value`` is the config file's value when the change was made: once the config value
    itself is edited, the chat override no longer applies (contract §3).
    """

    __tablename__ = "group_settings"
    group_id: str = Field(primary_key=True)
    key: str = Field(primary_key=True)
    value: str
    config_value: str = ""
    at: float


class Checkin(SQLModel, table=True):
    """One check-in per member per local day in the group's zone, with the streak it made."""

    __tablename__ = "checkins"
    __table_args__ = (Index("ix_checkins_day", "group_id", "day"),)
    group_id: str = Field(primary_key=True)
    member_id: str = Field(primary_key=True)
    day: str = Field(primary_key=True)
    at: float
    streak: int = 1


class PointsEntry(SQLModel, table=True):
    """Points credited to a member; ``reason`` (``checkin:2026-11-20``, ``survey:onboarding``) makes it idempotent."""

    __tablename__ = "points"
    group_id: str = Field(primary_key=True)
    member_id: str = Field(primary_key=True)
    reason: str = Field(primary_key=True)
    points: int
    at: float


class NewsItem(SQLModel, table=True):
    """A news item queued by an admin for the next morning report."""

    __tablename__ = "news_items"
    id: int | None = Field(default=None, primary_key=True)
    group_id: str = Field(index=True)
    text: str
    added_by: str = ""
    at: float
    sent_at: float | None = None


class Activity(SQLModel, table=True):
    """A weekly activity: ``weekday`` 0 = Monday, ``time`` "HH:MM" local."""

    __tablename__ = "activities"
    id: int | None = Field(default=None, primary_key=True)
    group_id: str = Field(index=True)
    weekday: int
    time: str
    title: str
    added_by: str = ""
    at: float


class SurveyRun(SQLModel, table=True):
    """A survey started in a group."""

    __tablename__ = "survey_runs"
    group_id: str = Field(primary_key=True)
    survey_id: str = Field(primary_key=True)
    started_at: float


class SurveyAnswer(SQLModel, table=True):
    __tablename__ = "survey_answers"
    group_id: str = Field(primary_key=True)
    survey_id: str = Field(primary_key=True)
    member_id: str = Field(primary_key=True)
    question_id: str = Field(primary_key=True)
    value: str
    at: float


class SurveyConsent(SQLModel, table=True):
    """A member's answer to the consent question for a survey's sensitive questions."""

    __tablename__ = "survey_consents"
    group_id: str = Field(primary_key=True)
    survey_id: str = Field(primary_key=True)
    member_id: str = Field(primary_key=True)
    consent: bool
    at: float


class Question(SQLModel, table=True):
    """A message that looked like a question, and when someone else answered it."""

    __tablename__ = "questions"
    __table_args__ = (Index("ix_questions_open", "group_id", "answered_at", "at"),)
    group_id: str = Field(primary_key=True)
    message_id: str = Field(primary_key=True)
    member_id: str
    at: float
    answered_at: float | None = None
    excerpt: str | None = None


class AlertSent(SQLModel, table=True):
    """An alert that went out (so it fires once), per group, kind and key."""

    __tablename__ = "alerts_sent"
    group_id: str = Field(primary_key=True)
    kind: str = Field(primary_key=True)
    key: str = Field(primary_key=True)
    at: float


class JoinRequestRow(SQLModel, table=True):
    """A pending or decided request to join a gated group."""

    __tablename__ = "join_requests"
    group_id: str = Field(primary_key=True)
    member_id: str = Field(primary_key=True)
    request_id: str = ""
    name: str = ""
    at: float
    status: str = "pending"  # pending | held | approved | declined
    decided_at: float | None = None
    via: str = ""
