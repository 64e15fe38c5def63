"""Personas of the last clustering run, and the latest insights run, per group."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from storage.repo import personas
from storage.repo.personas import StoredPersona
from storage.repo.stores.sql import SqlStore


class PersonaStore(Protocol):
    """The personas a group's last clustering run found: matched by the next run so names stay stable; and the
    group's latest insights run, read while its inputs are unchanged."""

    async def last_personas(self, group_id: str) -> list[StoredPersona]:
        """The last run's personas, by id (none before the first run)."""

    async def replace_personas(self, group_id: str, found: Sequence[StoredPersona]) -> None:
        """Keep this run's personas in place of the last run's."""

    async def run_inputs(self, group_id: str) -> str:
        """A fingerprint of the stored facts an insights run reads (changes whenever one of them does)."""

    async def last_run(self, group_id: str) -> tuple[str, str] | None:
        """(stamp, body) of the group's latest insights run, or None."""

    async def save_run(self, group_id: str, stamp: str, body: str, text_at: float) -> None:
        """Keep this insights run (``text_at``: when the oldest member text it quotes was written)."""

    async def update_run(self, group_id: str, stamp: str, body: str) -> None:
        """A new body for the run kept under ``stamp`` (nothing when another run replaced it meanwhile)."""

    async def trend_sums(self, group_id: str, recent_from: str, prev_from: str) -> dict[str, tuple[int, int]]:
        """member → (messages on ``recent_from`` or later, messages on ``prev_from``…before ``recent_from``)."""


class SqlPersonaStore(SqlStore):
    """PersonaStore over SQL tables (SQLite or PostgreSQL)."""

    async def last_personas(self, group_id: str) -> list[StoredPersona]:
        return await self._read(lambda c: personas.last_personas(c, group_id))

    async def replace_personas(self, group_id: str, found: Sequence[StoredPersona]) -> None:
        now = self.clock()
        await self._write(lambda c: personas.replace_personas(c, group_id, found, now))

    async def run_inputs(self, group_id: str) -> str:
        return await self._read(lambda c: personas.run_inputs(c, group_id))

    async def last_run(self, group_id: str) -> tuple[str, str] | None:
        return await self._read(lambda c: personas.last_run(c, group_id))

    async def save_run(self, group_id: str, stamp: str, body: str, text_at: float) -> None:
        now = self.clock()
        await self._write(lambda c: personas.save_run(c, group_id, stamp, body, now, text_at))

    async def update_run(self, group_id: str, stamp: str, body: str) -> None:
        await self._write(lambda c: personas.update_run(c, group_id, stamp, body))

    async def trend_sums(self, group_id: str, recent_from: str, prev_from: str) -> dict[str, tuple[int, int]]:
        return await self._read(lambda c: personas.trend_sums(c, group_id, recent_from, prev_from))
