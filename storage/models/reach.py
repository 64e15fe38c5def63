"""Who a survey was sent to (and reminded), the native polls that carry surveys, and reward redemptions."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class SurveyDelivery(SQLModel, table=True):
    """A survey reached this member for this group (privately, or posted where they are a member).

    The latest delivery of a survey to a member names the group a private answer counts for."""

    __tablename__ = "survey_deliveries"
    group_id: str = Field(primary_key=True)
    survey_id: str = Field(primary_key=True)
    member_id: str = Field(primary_key=True)
    sent_at: float = Field(index=True)
    channel: str = "group"  # private | group
    reminded_at: float | None = None


class SentPoll(SQLModel, table=True):
    """A native poll the platform gave ``poll_id`` when we sent it; ``ref`` says which survey question."""

    __tablename__ = "sent_polls"
    adapter: str = Field(primary_key=True)
    poll_id: str = Field(primary_key=True)
    ref: str
    sent_at: float


class RewardRedemption(SQLModel, table=True):
    """Points a member spent on a reward (the audit trail; the matching negative ``points`` row is
    ``redeem:<id>``)."""

    __tablename__ = "reward_redemptions"
    id: int | None = Field(default=None, primary_key=True)
    group_id: str = Field(index=True)
    member_id: str
    reward: str
    points: int
    at: float
