"""答疑 tables: FAQ entries taught by admins, the times a FAQ answered a member, and members who asked not to
be brought questions."""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class FaqEntry(SQLModel, table=True):
    """One question and its answer, taught in a group by an admin (``/faq add``, ``/faq save``)."""

    __tablename__ = "faqs"
    id: int | None = Field(default=None, primary_key=True)
    group_id: str = Field(index=True)
    question: str
    answer: str
    created_by: str = ""
    created_at: float


class FaqHit(SQLModel, table=True):
    """A FAQ answered a member's question (for the cooldown and the weekly measures)."""

    __tablename__ = "faq_hits"
    __table_args__ = (Index("ix_faq_hits_faq", "group_id", "faq_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    group_id: str
    faq_id: int
    member_id: str
    message_id: str
    at: float


class RoutingOptOut(SQLModel, table=True):
    """A member who asked not to be brought other members' open questions (``/答疑提醒 关``)."""

    __tablename__ = "qa_routing_optouts"
    group_id: str = Field(primary_key=True)
    member_id: str = Field(primary_key=True)
    at: float
