"""Personas of the last clustering run, per group."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from storage.repo import personas
from storage.repo.personas import StoredPersona
from storage.repo.stores.sql import SqlStore


class PersonaStore(Protocol):
    """The personas a group's last clustering run found: matched by the next run so names stay stable."""

    async def last_personas(self, group_id: str) -> list[StoredPersona]:
        """The last run's personas, by id (none before the first run)."""

    async def replace_personas(self, group_id: str, found: Sequence[StoredPersona]) -> None:
        """Keep this run's personas in place of the last run's."""


class SqlPersonaStore(SqlStore):
    """PersonaStore over SQL tables (SQLite or PostgreSQL)."""

    async def last_personas(self, group_id: str) -> list[StoredPersona]:
        return await self._read(lambda c: personas.last_personas(c, group_id))

    async def replace_personas(self, group_id: str, found: Sequence[StoredPersona]) -> None:
        now = self.clock()
        await self._write(lambda c: personas.replace_personas(c, group_id, found, now))
