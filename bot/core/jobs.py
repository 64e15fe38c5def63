"""Scheduled jobs: which group runs what, when, and exactly once.

APScheduler only wakes us up. Every wake-up (and start-up) calls :meth:`Jobs.tick`, which looks for
the latest fire time of the group's schedule within ``[scheduler] grace_minutes`` and runs it unless
``job_runs`` already has it. A run's messages and its ``job_runs`` row commit in one transaction, so
a missed run is caught up once and a restart never sends twice. Each run sits behind its own error
boundary: one group's failure never stops another's.

Feature modules declare their jobs (:class:`ScheduledJob`, :class:`MinuteJob`); the faces pass those
lists in, so this module knows no feature. Schedules come from ``[[groups]]``; an admin may change them
in chat (``/早报 时间 08:00``), which overrides the config value until that config value itself is
edited; with none set, the job's default applies.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace

from bot.core.config import Config, GroupConfig
from bot.core.context import Context
from bot.core.scheduler import Schedule, ScheduleError, Scheduler, parse_schedule
from storage.repo import UnitOfWork

log = logging.getLogger("quntag.jobs")

JobFn = Callable[[Context, GroupConfig], Awaitable[None]]
EARLY_S = 2.0  # APScheduler may wake us a hair before the minute


@dataclass(frozen=True, slots=True)
class ScheduledJob:
    """A job a feature declares: it fires on each group's schedule, at most once per fire time.

    Its schedule is the group's config key named ``config_key`` (``[[groups]]`` / ``[defaults]``; the config
    accepts exactly the keys the declared jobs name), or what ``configured`` reads for jobs scheduled
    elsewhere (a survey's own ``schedule``): "" when unset, "off" to disable. ``default`` applies when unset:
    a fixed spec, or a function of the group (e.g. its best push time). ``command`` names it for
    ``quntag report``, which prints ``preview`` (the text it would post now) and, with ``--send``, runs it.
    """

    name: str
    run: JobFn
    config_key: str = ""
    configured: Callable[[Config, GroupConfig], str] | None = None
    default: str | Callable[[Context, GroupConfig], Awaitable[str]] = ""
    command: str = ""
    preview: Callable[[Context, GroupConfig], Awaitable[str]] | None = None

    def configured_in(self, config: Config, group: GroupConfig) -> str:
        """The group's configured schedule of this job ("" when unset)."""
        if self.configured is not None:
            return self.configured(config, group)
        return group.schedules.get(self.config_key, "") if self.config_key else ""


MinuteFn = Callable[["Jobs", Context, GroupConfig], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class MinuteJob:
    """A check a feature runs every minute for every group (reminders, alerts, timeouts); it sends
    through :meth:`Jobs.run` with its own job name and fire time, so each message goes out once.

    It runs for the groups listed under ``[[groups]]``; ``unlisted`` (optional) names the other groups that have
    work for it now (a newcomer check waiting, an open question), which then run with ``[defaults]`` — unless
    ``only_listed_groups`` leaves them out."""

    name: str
    run: MinuteFn
    unlisted: Callable[[Context], Awaitable[list[str]]] | None = None


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


async def effective(ctx: Context, group: GroupConfig, job: ScheduledJob) -> Effective:
    """Resolve the schedule: a chat override (while the config value it overrode is unchanged), else
    the config value, else the job's default."""
    cfg_value = job.configured_in(ctx.config, group)
    override = await ctx.repo.settings.setting(group.id, schedule_key(job.name))
    if override is not None:
        value, overridden = override
        if overridden == cfg_value:
            return Effective(value, "chat") if value != "off" else Effective("", "off")
    if cfg_value == "off":
        return Effective("", "off")
    if cfg_value:
        return Effective(cfg_value, "config")
    default = job.default if isinstance(job.default, str) else await job.default(ctx, group)
    return Effective(default, "auto") if default else Effective("", "off")


class Jobs:
    def __init__(self, base: Context, scheduler: Scheduler, scheduled: Sequence[ScheduledJob] = (),
                 minutely: Sequence[MinuteJob] = ()) -> None:
        self.base = base
        self.scheduler = scheduler
        self.installed: dict[tuple[str, str], Effective] = {}
        self.jobs: dict[str, ScheduledJob] = {j.name: j for j in scheduled}
        self.minute_jobs = list(minutely)
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
                    eff = await effective(self.ctx(group), group, self.jobs[job])
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
        if await repo.settings.run_done(group.id, job, fire_time):
            return False
        uow = UnitOfWork()
        ctx = replace(self.ctx(group), repo=repo.bound(uow))
        try:
            await (fn or self.jobs[job].run)(ctx, group)
            done = await repo.settings.claim_run(group.id, job, fire_time, uow)
        except Exception:
            log.exception("job %s failed for group %s (fire time %s)", job, group.id, fire_time)
            return False
        if done and self.on_sent is not None:
            self.on_sent()
        return done

    async def _unlisted(self, step: MinuteJob) -> None:
        """Run ``step`` for the groups outside ``[[groups]]`` that have work for it, with their default settings."""
        if step.unlisted is None:
            return
        try:
            ids = await step.unlisted(self.base)
        except Exception:
            log.exception("%s: listing unlisted groups failed", step.name)
            return
        config = self.base.config
        for gid in ids:
            group = None if gid in config.groups else config.group(gid)
            if group is None:
                continue
            try:
                await step.run(self, self.ctx(group), group)
            except Exception:
                log.exception("%s failed for group %s", step.name, gid)

    async def minutely(self) -> None:
        """Keep schedules in sync with chat changes and Monday's push time; reminders, alerts, gate."""
        try:
            await self.install()
        except Exception:
            log.exception("reinstalling schedules failed")
        for group in self.groups():
            for step in self.minute_jobs:
                try:
                    await step.run(self, self.ctx(group), group)
                except Exception:
                    log.exception("%s failed for group %s", step.name, group.id)
        for step in self.minute_jobs:
            await self._unlisted(step)
        if self.on_sent is not None:
            self.on_sent()
