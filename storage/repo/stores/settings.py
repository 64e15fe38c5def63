"""Per-group settings changed in chat, and the runs of scheduled jobs."""

from __future__ import annotations

from typing import Protocol

from storage.repo import job_runs, settings
from storage.repo.stores.sql import SqlStore
from storage.repo.transactions import UnitOfWork


class SettingStore(Protocol):
    """Per-group settings changed in chat, and the runs of scheduled jobs."""

    async def setting(self, group_id: str, key: str) -> tuple[str, str] | None:
        """(value, config value it overrides) of a per-group setting, None when unset."""

    async def setting_value(self, group_id: str, key: str) -> str | None:
        """The value of a per-group setting, None when unset."""

    async def set_setting(self, group_id: str, key: str, value: str | None, config_value: str = "") -> None:
        """Set (None: remove) a per-group setting; ``config_value`` is the config value a chat change overrides."""

    async def settings_with_prefix(self, group_id: str, prefix: str) -> list[tuple[str, str, str, float]]:
        """(key, value, config value, time set) of the settings whose key starts with ``prefix``, by key."""

    async def claim_run(self, group_id: str, job: str, fire_time: float, uow: UnitOfWork) -> bool:
        """Record a scheduled run and commit its writes together; False when it already ran."""

    async def run_done(self, group_id: str, job: str, fire_time: float) -> bool:
        """Whether a scheduled run (group, job, fire time) is recorded."""


class SqlSettingStore(SqlStore):
    """SettingStore over SQL tables (SQLite or PostgreSQL)."""

    async def setting(self, group_id: str, key: str) -> tuple[str, str] | None:
        return await self._read(lambda c: settings.get(c, group_id, key))

    async def setting_value(self, group_id: str, key: str) -> str | None:
        return await self._read(lambda c: settings.value(c, group_id, key))

    async def set_setting(self, group_id: str, key: str, value: str | None, config_value: str = "") -> None:
        now = self.clock()
        await self._write(lambda c: settings.put(c, group_id, key, value, now, config_value))

    async def settings_with_prefix(self, group_id: str, prefix: str) -> list[tuple[str, str, str, float]]:
        return await self._read(lambda c: settings.with_prefix(c, group_id, prefix))

    async def claim_run(self, group_id: str, job: str, fire_time: float, uow: UnitOfWork) -> bool:
        now = self.clock()
        return await self._commit(lambda c: job_runs.claim_run(c, group_id, job, fire_time, uow.fns, now))

    async def run_done(self, group_id: str, job: str, fire_time: float) -> bool:
        return await self._read(lambda c: job_runs.run_done(c, group_id, job, fire_time))
