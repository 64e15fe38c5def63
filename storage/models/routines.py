"""Community-routine tables: chat-changed settings, check-ins, points, news, activities, surveys, alerts, joins."""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class GroupSetting(SQLModel, table=True):
    """A per-group setting (``storage.repo.settings``): a report time changed in chat, saved tier weights,
    the recompute fingerprint, mass-mention state.

    ``config_value`` is the config file's value when a chat change was made: once the config value
    itself is edited, the chat override no longer applies (contract §3). Empty when it overrides nothing.
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
    """A news item for a morning report: queued by an admin (chat, CLI, API), or taken from a source (feed,
    folder) when a report carried it. ``day`` holds it back until that local date; ``item_key`` (per group)
    makes a source's item used once."""

    __tablename__ = "news_items"
    __table_args__ = (Index("ux_news_items_key", "group_id", "item_key", unique=True),)
    id: int | None = Field(default=None, primary_key=True)
    group_id: str = Field(index=True)
    text: str
    added_by: str = ""
    at: float
    sent_at: float | None = None
    day: str | None = None
    source: str = ""
    item_key: str | None = None

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
    """An alert that went out (so it fires once), per group, kind and key (stored one-way: it can name a
    member)."""

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
