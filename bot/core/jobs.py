"""Scheduled jobs: which group runs what, when, and exactly once.

APScheduler only wakes us up. Every wake-up (and start-up) calls :meth:`Jobs.tick`, which looks for
the latest fire time of the group's schedule within ``[scheduler] grace_minutes`` and runs it unless
``job_runs`` already has it. A run's messages and its ``job_runs`` row commit in one transaction, so
a missed run is caught up once and a restart never sends twice. Each run sits behind its own error
boundary: one group's failure never stops another's.

Schedules come from ``[[groups]]``; an admin may change them in chat (``/早报 时间 08:00``), which
overrides the config value until that config value itself is edited. With no morning-report time
set, the group's best push time is used, fixed each Monday.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import date

from bot.core.config import Config, GroupConfig, SurveyConfig
from bot.core.context import Context
from bot.core.events import ChatRef
from bot.core.scheduler import Schedule, ScheduleError, Scheduler, parse_schedule
from bot.core.timeutil import local_day
from bot.domain.push_time import best_push_time
from handlers import reports, surveys
from handlers import routine as ops_jobs
from storage.repo import UnitOfWork

log = logging.getLogger("quntag.jobs")

JobFn = Callable[[Context, GroupConfig], Awaitable[None]]
MORNING = "morning_report"
WEEKLY = "weekly_digest"
DEFAULT_WEEKLY = "mon 09:00"
EARLY_S = 2.0  # APScheduler may wake us a hair before the minute


def schedule_key(job: str) -> str:
    return f"schedule:{job}"


@dataclass(frozen=True, slots=True)
class Effective:
    """A group's effective schedule for one job and where it came from (config | chat | auto | off)."""

    spec: str
    source: str

    def schedule(self) -> Schedule | None:
        if self.source == "off" or not self.spec:
            return None
        return parse_schedule(self.spec)


SURVEY_PREFIX = "survey:"


def config_value(group: GroupConfig, job: str, config: Config | None = None) -> str:
    """The configured schedule of ``job`` for ``group`` ("" when unset)."""
    if job.startswith(SURVEY_PREFIX):
        sv = config.survey(job[len(SURVEY_PREFIX):]) if config is not None else None
        return sv.schedule if sv is not None and (not sv.groups or group.id in sv.groups) else "off"
    return group.morning_report if job == MORNING else group.weekly_digest


async def effective(ctx: Context, group: GroupConfig, job: str) -> Effective:
    """Resolve the schedule: a chat override (while the config value it overrode is unchanged), else
    the config value, else the automatic default."""
    cfg_value = config_value(group, job, ctx.config)
    override = await ctx.repo.setting(group.id, schedule_key(job))
    if override is not None:
        value, overridden = override
        if overridden == cfg_value:
            return Effective(value, "chat") if value != "off" else Effective("", "off")
    if cfg_value == "off":
        return Effective("", "off")
    if cfg_value:
        return Effective(cfg_value, "config")
    if job == WEEKLY:
        return Effective(DEFAULT_WEEKLY, "auto")
    return Effective(await auto_push_time(ctx, group), "auto")


def _week_of(day: str) -> str:
    y, w, _d = date.fromisoformat(day).isocalendar()
    return f"{y}-W{w:02d}"


async def auto_push_time(ctx: Context, group: GroupConfig) -> str:
    """The group's best push time, computed once per ISO week (so it only changes on Mondays)."""
    week = _week_of(local_day(ctx.clock(), group.timezone))
    stored = await ctx.repo.setting(group.id, "auto:push_time")
    if stored is not None and stored[1] == week:
        return stored[0]
    value = best_push_time(await ctx.repo.group_hours(group.id))
    await ctx.repo.set_setting(group.id, "auto:push_time", value, week)
    return value


def _survey_job(sv: SurveyConfig) -> JobFn:
    async def post_survey(ctx: Context, group: GroupConfig) -> None:
        await surveys.start(ctx, sv, ChatRef.of(group.id))
    return post_survey


class Jobs:
    def __init__(self, base: Context, scheduler: Scheduler) -> None:
        self.base = base
        self.scheduler = scheduler
        self.installed: dict[tuple[str, str], Effective] = {}
        self.jobs: dict[str, JobFn] = {MORNING: reports.send_morning, WEEKLY: reports.send_weekly}
        for sv in base.config.surveys:
            if sv.schedule:
                self.jobs[SURVEY_PREFIX + sv.id] = _survey_job(sv)
        self.on_sent: Callable[[], None] | None = None

    @property
    def grace(self) -> float:
        return self.base.config.scheduler.grace_minutes * 60.0

    def groups(self) -> list[GroupConfig]:
        return list(self.base.config.groups.values())

    def ctx(self, group: GroupConfig) -> Context:
        return replace(self.base, group=group, event=None, command=None)

    async def install(self, log_each: bool = True) -> None:
        """(Re)register every group's jobs with the timer; log each effective schedule once it changes."""
        for group in self.groups():
            for job in self.jobs:
                try:
                    eff = await effective(self.ctx(group), group, job)
                    sched = eff.schedule()
                except (ScheduleError, Exception):
                    log.exception("group %s: cannot resolve %s schedule", group.id, job)
                    continue
                key = (group.id, job)
                if self.installed.get(key) == eff:
                    continue
                self.installed[key] = eff
                job_id = f"{job}:{group.id}"
                if sched is None:
                    self.scheduler.remove(job_id)
                else:
                    self.scheduler.add_schedule(job_id, self._waker(group.id, job), sched, group.timezone,
                                                int(self.grace) or 60)
                if log_each:
                    log.info("group %s: %s %s (%s, %s)", group.id, job, eff.spec or "off", eff.source,
                                group.timezone)

    def describe(self) -> list[str]:
        """One line per group and job: the effective schedule (printed by ``serve``)."""
        return [f"group {g}: {job} {eff.spec or 'off'} ({eff.source})"
                for (g, job), eff in sorted(self.installed.items())]

    def _waker(self, group_id: str, job: str) -> Callable[[], Awaitable[None]]:
        async def wake() -> None:
            await self.tick(group_id, job)
        return wake

    async def start(self, scheduler_running: bool = True) -> None:
        await self.install()
        if scheduler_running:
            self.scheduler.add_interval("ops:minutely", self.minutely, 60.0)
        await self.catch_up()

    async def catch_up(self) -> None:
        """Run every job whose latest fire time is within the grace period and not yet recorded."""
        for group in self.groups():
            for job in self.jobs:
                await self.tick(group.id, job)

    async def tick(self, group_id: str, job: str) -> bool:
        group = self.base.config.groups.get(group_id)
        eff = self.installed.get((group_id, job))
        if group is None or eff is None:
            return False
        try:
            sched = eff.schedule()
            if sched is None:
                return False
            fire = sched.last_at_or_before(self.base.clock() + EARLY_S, self.grace + EARLY_S, group.timezone)
        except Exception:
            log.exception("group %s: %s schedule failed", group_id, job)
            return False
        if fire is None:
            return False
        return await self.run(group, job, fire)

    async def run(self, group: GroupConfig, job: str, fire_time: float, fn: JobFn | None = None) -> bool:
        """Run one job for one group at one fire time, at most once; False when skipped or failed."""
        repo = self.base.repo
        if await repo.run_done(group.id, job, fire_time):
            return False
        uow = UnitOfWork()
        ctx = replace(self.ctx(group), repo=repo.bound(uow))
        try:
            await (fn or self.jobs[job])(ctx, group)
            done = await repo.claim_run(group.id, job, fire_time, uow)
        except Exception:
            log.exception("job %s failed for group %s (fire time %s)", job, group.id, fire_time)
            return False
        if done and self.on_sent is not None:
            self.on_sent()
        return done

    async def minutely(self) -> None:
        """Keep schedules in sync with chat changes and Monday's push time; reminders, alerts, gate."""
        try:
            await self.install()
        except Exception:
            log.exception("reinstalling schedules failed")
        for group in self.groups():
            try:
                await ops_jobs.every_minute(self, self.ctx(group), group)
            except Exception:
                log.exception("minutely jobs failed for group %s", group.id)
        if self.on_sent is not None:
            self.on_sent()
