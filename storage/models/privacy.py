"""Privacy tables: the do-not-profile marker that outlives an erasure, and erasures still settling."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class DoNotProfile(SQLModel, table=True):
    """A member refused profiling in a group (``/optout``). ``member_key`` is a one-way key of the member
    id (``storage.repo.privacy.one_way``): the marker survives ``/forget`` without naming anyone, and
    whoever knows the id can still tell that its next message must not be profiled."""

    __tablename__ = "do_not_profile"
    group_id: str = Field(primary_key=True)
    member_key: str = Field(primary_key=True)
