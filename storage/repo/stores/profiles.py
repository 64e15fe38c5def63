"""What the recompute derives (activity tags, value tiers, lifecycle stages and transitions) and saved segments."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from sqlalchemy import Connection

from storage.repo import derived, segments, settings
from storage.repo.derived import DerivedState, DerivedTag, Transition
from storage.repo.settings import FINGERPRINT
from storage.repo.stores.sql import SqlStore


class ProfileStore(Protocol):
    """What the recompute derives (activity tags, value tiers, lifecycle stages and transitions) and saved segments."""

    async def recompute_fingerprint(self, group_id: str) -> tuple[str, str | None]:
        """(current fingerprint of a recompute's inputs, the one stored by the last recompute)."""

    async def save_recompute(self, group_id: str, tags: Sequence[DerivedTag], states: Sequence[DerivedState],
                             now: float, stamp: str) -> list[Transition]:
        """Store a recompute's results (a cache of stored facts) with the fingerprint ``stamp`` of its inputs.
        Immediate mode: committed on return, the lifecycle transitions it recorded returned. Event-atomic mode:
        joins the event's unit of work (its later reads see it; nothing commits before the event does) and
        returns [] — the transitions are only known at the event's commit."""

    async def lifecycle_transitions(self, group_id: str, since: float) -> list[Transition]:
        """Who moved between lifecycle stages since ``since`` (for digests and alerts)."""

    async def member_states(self, group_id: str) -> dict[str, tuple[str, float, str]]:
        """member → (value tier, score, breakdown JSON) as of the last recompute."""

    async def save_segment(self, group_id: str, name: str, query: str, by: str, at: float) -> None:
        """Save (or replace) a named segment query."""

    async def saved_segments(self, group_id: str) -> dict[str, str]:
        """name → query of the group's saved segments."""


class SqlProfileStore(SqlStore):
    """ProfileStore over SQL tables (SQLite or PostgreSQL)."""

    async def recompute_fingerprint(self, group_id: str) -> tuple[str, str | None]:
        return await self._read(lambda c: (derived.fingerprint(c, group_id), settings.value(c, group_id, FINGERPRINT)))

    async def save_recompute(self, group_id: str, tags: Sequence[DerivedTag], states: Sequence[DerivedState],
                             now: float, stamp: str) -> list[Transition]:
        def save(conn: Connection) -> list[Transition]:
            return derived.save_recompute(conn, group_id, tags, states, now, stamp)

        if self.writer.immediate:
            return await self._commit(save)
        await self._write(save)
        return []

    async def lifecycle_transitions(self, group_id: str, since: float) -> list[Transition]:
        return await self._read(lambda c: derived.transitions(c, group_id, since))

    async def member_states(self, group_id: str) -> dict[str, tuple[str, float, str]]:
        return await self._read(lambda c: derived.states(c, group_id))

    async def save_segment(self, group_id: str, name: str, query: str, by: str, at: float) -> None:
        await self._write(lambda c: segments.save_segment(c, group_id, name, query, by, at))

    async def saved_segments(self, group_id: str) -> dict[str, str]:
        return await self._read(lambda c: segments.saved_segments(c, group_id))
