"""Profiling tables: message signals, derived member states, lifecycle transitions, saved segments."""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


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
