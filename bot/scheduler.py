"""The timer: APScheduler 3's AsyncIOScheduler behind a small typed wrapper (the only import of it).

Jobs are ordinary async functions; which runs happened is recorded in our own ``job_runs`` table by
the jobs themselves (operations issue), so APScheduler only decides *when*.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger


class Scheduler:
    def __init__(self, timezone: str = "UTC") -> None:
        self._s: Any = AsyncIOScheduler(timezone=timezone)

    def start(self) -> None:
        self._s.start()

    def shutdown(self) -> None:
        if self._s.running:
            self._s.shutdown(wait=False)

    @property
    def running(self) -> bool:
        return bool(self._s.running)

    def add_cron(self, job_id: str, fn: Callable[[], Awaitable[None]], timezone: str, **fields: str) -> None:
        """Run ``fn`` on a cron schedule in ``timezone`` (APScheduler field names, Monday = 0)."""
        trigger = CronTrigger(timezone=timezone, **fields)
        self._s.add_job(fn, trigger, id=job_id, replace_existing=True, coalesce=True, misfire_grace_time=300)

    def add_interval(self, job_id: str, fn: Callable[[], Awaitable[None]], seconds: float) -> None:
        """Run ``fn`` every ``seconds`` (first run one interval from now)."""
        self._s.add_job(fn, "interval", seconds=seconds, id=job_id, replace_existing=True, coalesce=True)

    def job_ids(self) -> list[str]:
        return [str(j.id) for j in self._s.get_jobs()]
