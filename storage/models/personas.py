"""The personas of the last clustering run, per group: what the next run matches against so that a persona
keeps its id and name while its members change.

Only a centroid (feature name → mean value) is kept, never a member list, so erasing a member leaves
nothing of theirs here.
"""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class PersonaRow(SQLModel, table=True):
    """One persona of a group's last run: ``centroid`` is a JSON object of feature name → value."""

    __tablename__ = "personas"
    group_id: str = Field(primary_key=True)
    persona_id: int = Field(primary_key=True)
    name: str
    centroid: str
    size: int
    at: float


class InsightRun(SQLModel, table=True):
    """A group's latest insights run — associations, best hours and persona cards as JSON (``body``) — with
    the fingerprint of its inputs (``stamp``): read while the inputs are unchanged, computed anew otherwise.
    ``text_at``: when the oldest member text quoted in ``body`` was written (text retention counts from it).
    No member list is kept; erasure and opt-out delete the group's run."""

    __tablename__ = "insight_runs"
    group_id: str = Field(primary_key=True)
    stamp: str
    at: float
    text_at: float
    body: str
