"""Group-level roll-ups kept by the writes that change their inputs, so the console reads a few rows
instead of a group's whole history."""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class GroupDayHour(SQLModel, table=True):
    """Messages of a group per local day and local hour: counted with each message, taken back when a
    member's messages are erased (always equal to counting ``messages`` by ``local_day``, ``local_hour``)."""

    __tablename__ = "group_day_hours"
    __table_args__ = {"sqlite_with_rowid": False}  # clustered on the key (migration 0021)
    group_id: str = Field(primary_key=True)
    day: str = Field(primary_key=True)
    hour: int = Field(primary_key=True)
    messages: int = 0


class StageDay(SQLModel, table=True):
    """A member's lifecycle stage at the end of a past local day (``through``), computed once from the facts.
    The row with an empty ``member_id`` marks the day as computed, under the lifecycle settings ``stage``
    names. A fact written with a time at or before ``through`` (a late delivery, an import) drops the
    group's days from then on, so a stored day always equals computing it again."""

    __tablename__ = "stage_days"
    __table_args__ = (Index("ix_stage_days_through", "group_id", "through"),)
    group_id: str = Field(primary_key=True)
    day: str = Field(primary_key=True)
    member_id: str = Field(primary_key=True)
    stage: str
    through: float
