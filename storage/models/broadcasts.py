"""Broadcast and push tables: scheduled broadcasts per group, who got one (for the weekly cap), who said
退订, and every bot post with how the group responded to it."""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class BroadcastRow(SQLModel, table=True):
    """One confirmed broadcast to one group. ``spec`` is JSON: ``{"segment": QUERY|null, "variants":
    [{"segment": QUERY|null, "text": TEXT}]}`` (first matching variant wins). ``sent_at`` is None until sent;
    ``summary`` is JSON counts of how it went (private, mentioned, opted out, capped)."""

    __tablename__ = "broadcasts"
    __table_args__ = (Index("ix_broadcasts_due", "group_id", "sent_at", "send_at"),)
    id: int | None = Field(default=None, primary_key=True)
    group_id: str
    created_by: str
    created_at: float
    send_at: float
    spec: str
    sent_at: float | None = None
    summary: str = ""


class BroadcastDelivery(SQLModel, table=True):
    """A broadcast reached a member (``how``: private | mention); counted against ``max_per_week``."""

    __tablename__ = "broadcast_deliveries"
    __table_args__ = (Index("ix_broadcast_deliveries_member", "member_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    broadcast_id: int
    group_id: str
    member_id: str
    at: float
    how: str
    batch: str = ""  # one broadcast queued to several groups at once: a member is reached once


class BroadcastOptout(SQLModel, table=True):
    """A member sent the bare word 退订 (in a group, or privately: ``group_id`` = ``private``); no broadcast
    reaches them anywhere until they send 订阅."""

    __tablename__ = "broadcast_optouts"
    group_id: str = Field(primary_key=True)
    member_id: str = Field(primary_key=True)
    at: float


class BotPost(SQLModel, table=True):
    """A post of the bot in a group (``kind``: morning_report | broadcast | survey | activity_reminder) at
    local ``slot`` ``HH:00``. The response is filled in once its two-hour window has closed (``final``):
    ``members`` in the group at post time, ``responders`` among them, and the same weekday-hour
    ``baseline_rate`` (None when the group has no history that far back)."""

    __tablename__ = "bot_posts"
    __table_args__ = (Index("ix_bot_posts_group", "group_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    group_id: str
    kind: str
    at: float
    slot: str
    members: int = 0
    responders: int = 0
    response_rate: float | None = None
    baseline_rate: float | None = None
    final: bool = False


class MemberReaction(SQLModel, table=True):
    """A member reacted to a message in a group (kept only for push measurement: when, not which emoji)."""

    __tablename__ = "member_reactions"
    __table_args__ = (Index("ix_member_reactions_group", "group_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    group_id: str
    member_id: str
    at: float
    message_id: str = ""
