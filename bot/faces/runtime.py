"""Every long-lived service of one quntag instance, started and stopped in order.

Used by the web app (through ``cleanup_ctx``) and by in-process commands such as ``replay``. Its
``role`` says which services run here: ``all`` (one process does everything), ``web`` (a web process of
``serve --workers N``: accept deliveries, answer the API and console) or ``processor`` (one of that server's
processing processes: observers, handlers and the outbox of its partitions, and the scheduler where it leads).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping
from typing import Literal

import aiohttp

from bot.adapters import adapter_types
from bot.core.adapter import Adapter, AdapterDeps, StateStore
from bot.core.config import Config
from bot.core.context import Context
from bot.core.events import ChatRef, UserRef
from bot.core.inbox import Inbox
from bot.core.jobs import Jobs
from bot.core.metrics import Metrics
from bot.core.outbox import MAX_BACKOFF_S, Outbox
from bot.core.partition_keeper import PartitionKeeper
from bot.core.render import Renderer
from bot.core.scheduler import Scheduler
from bot.domain import tag_rules
from bot.faces.intake import Intake
from handlers import build_dispatcher, minute_jobs, scheduled_jobs
from handlers.feeds import FeedRefresher
from storage.db import Database
from storage.partitions import PartitionClaims
from storage.repo import Repo
from storage.repo.outbox_store import OutboxStore

log = logging.getLogger("quntag.runtime")
Role = Literal["all", "web", "processor"]
POLL_S = 0.05  # how often a processor looks for events that web processes accepted
OUTBOX_POLL_S = 1.0  # how often it looks for replies that web processes queued (API, console)


def parked_after(now: float) -> float:
    """Rows whose next attempt lies beyond this are parked: no backoff waits that long, only a permanent
    failure (the outbox parks those for a day)."""
    return now + MAX_BACKOFF_S


class RepoState:
    """An adapter's durable key/value store, kept in the ``adapter_state`` table."""

    CHUNK = 1000  # writes issued at once: the writer commits them together (group commit)

    def __init__(self, repo: Repo, adapter: str) -> None:
        self.repo = repo
        self.adapter = adapter

    async def load(self) -> dict[str, str]:
        return await self.repo.delivery.adapter_state(self.adapter)

    async def save(self, changes: Mapping[str, str | None]) -> None:
        items = list(changes.items())
        for i in range(0, len(items), self.CHUNK):
            await asyncio.gather(*(self.repo.delivery.set_adapter_state(self.adapter, key, value)
                                   for key, value in items[i:i + self.CHUNK]))


class Runtime:
    def __init__(self, config: Config, metrics: Metrics | None = None,
                 clock: Callable[[], float] = time.time, role: Role = "all", share: tuple[int, int] = (0, 1)) -> None:
        """``share``: (index, count) of this processor among its server's processors; on PostgreSQL the
        processors of every server share the partitions by claims instead."""
        self.config = config
        self.role = role
        self.metrics = metrics or Metrics()
        self.clock = clock
        self.db = Database(config.database_url(), config.storage.sync)
        self.repo = Repo(self.db, clock=clock, keep_text=config.storage.store_text)
        self.adapters: dict[str, Adapter] = {}
        self.states: dict[str, StateStore] = {}
        self.scheduler = Scheduler()
        self.session: aiohttp.ClientSession | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._rules: asyncio.Task[None] | None = None
        self.context = Context(config=config, repo=self.repo, render=Renderer(), clock=clock)
        self.dispatcher = build_dispatcher(config)
        claims = PartitionClaims(config.database_url(), *share)
        self.keeper = PartitionKeeper(claims if role != "web" and (claims.shared or share[1] > 1) else None)
        self.inbox = Inbox(self.repo, self.dispatcher, self.context, self.metrics, hand_off=role == "all",
                           poll_s=POLL_S if role == "processor" else None, keeper=self.keeper)
        self.outbox = Outbox(self.repo, self.adapters, self.metrics, clock, config.outbox.max_queued_per_chat,
                             idle_s=OUTBOX_POLL_S if role == "processor" else None, keeper=self.keeper)
        self.outbox_store = OutboxStore(self.db)
        self.inbox.on_committed = self.outbox.wake
        self.intake = Intake(config, self.inbox, self.metrics, self.states)
        self.jobs = Jobs(self.context, self.scheduler, scheduled_jobs(config), minute_jobs())
        self.jobs.on_sent = self.outbox.wake
        self.feeds = FeedRefresher(config, self.repo, lambda: self.session, clock)

    async def start(self, *, process: bool = True, deliver: bool = True, schedule: bool = True) -> None:
        """Open the database (migrating it, unless a parent process did), build adapters, start processor,
        outbox and scheduler (those only where the role has them)."""
        if self.role == "web":
            process = deliver = schedule = False
        self.db.start()
        if self.role == "all":
            await self.db.migrate()
        await tag_rules.sync(self.repo, self.config.rules)
        self.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        types = adapter_types()
        for a in self.config.adapters.values():
            groups = {g.id: g.adapter_options for g in self.config.groups.values() if g.id.startswith(a.name + ":")}
            self.states[a.name] = RepoState(self.repo, a.name)
            deps = AdapterDeps(self.session, self.clock, self.states[a.name], groups)
            self.adapters[a.name] = types[a.type].build(a.name, a.options, deps)
            for counter in (self.metrics.accepted, self.metrics.duplicate, self.metrics.processed,
                            self.metrics.sent, self.metrics.send_failures):
                counter.labels(a.name)
        for adapter in self.adapters.values():
            try:
                await adapter.start()
            except Exception:
                log.exception("adapter %s failed to start; continuing", adapter.name)
        self.context.capabilities = {n: a.capabilities for n, a in self.adapters.items()}
        self.context.dm_allowed = self._dm_allowed
        self.context.visibility_of = self._visibility
        if process or self.role == "web":  # a web process answers the API and the console from the rules too
            self._rules = asyncio.create_task(self._follow_rules(), name="quntag-rules")
        if process or deliver:
            await self.keeper.start()
        if process:
            self._tasks.append(asyncio.create_task(self.inbox.run(), name="quntag-inbox"))
        if deliver:
            self._tasks.append(asyncio.create_task(self.outbox.run(), name="quntag-outbox"))
        if schedule:
            await self.start_schedule()

    async def start_schedule(self) -> None:
        """Run the scheduled jobs, the hourly text purge and feed fetches here: in one process per database."""
        self.scheduler.add_interval("purge_text", self.purge_text, 3600)
        self.scheduler.add_interval("content:feeds", self.feeds.refresh_due, 60)
        self.scheduler.start()
        await self.purge_text()
        await self.feeds.refresh_due()  # starts background fetches; returns at once
        try:
            await self.jobs.start()
        except Exception:
            log.exception("installing scheduled jobs failed; continuing")

    async def retry_parked(self) -> int:
        """Give every parked message an attempt now. Messages are parked after a permanent failure, which is
        mostly configuration (no ``outbound_url``, a wrong token, a removed adapter), and a start is what
        applies a fixed config: without this they would wait out the rest of their day."""
        now = self.clock()
        moved = await self.outbox_store.make_due(now, parked_after=parked_after(now))
        if moved:
            log.info("retrying %d parked outgoing messages now", moved)
            self.outbox.wake()
        return moved

    async def _follow_rules(self) -> None:
        """Tag rules changed in another process (a web process's console) take effect here within seconds."""
        while True:
            await asyncio.sleep(tag_rules.SYNC_S)
            try:
                if await tag_rules.sync(self.repo, self.config.rules):
                    log.info("tag rules changed: %d rules in effect", len(self.config.rules.current()))
            except Exception:
                log.exception("reading the tag rules failed; keeping the ones in effect")

    async def purge_text(self) -> None:
        """Hourly: member text older than ``text_retention_days`` goes from every copy (``storage.repo.
        retention``), and the write-ahead log is truncated (processed payloads leave no old pages)."""
        days = self.config.storage.text_retention_days
        try:
            purged = await self.repo.privacy.purge_text(self.clock() - days * 86400.0 if days > 0 else None)
        except Exception:
            log.exception("text retention purge failed")
            return
        if purged:
            log.info("text older than %d days erased: %s", days,
                     ", ".join(f"{table} {n}" for table, n in sorted(purged.items())))

    def _dm_allowed(self, user: UserRef) -> bool:
        adapter = self.adapters.get(user.adapter)
        return adapter is not None and adapter.capabilities.private_messages and adapter.can_dm(user)

    def _visibility(self, chat: ChatRef) -> str:
        adapter = self.adapters.get(chat.adapter)
        return adapter.visibility(chat) if adapter is not None else ""

    async def stop(self) -> None:
        """Finish in-flight processing, stop workers, flush and close the database."""
        if self._rules is not None:
            self._rules.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._rules
        await self.inbox.stop()
        await self.outbox.stop()
        self.scheduler.shutdown()
        await self.feeds.close()
        for task in self._tasks:
            try:
                await asyncio.wait_for(asyncio.shield(task), timeout=10)
            except (TimeoutError, asyncio.CancelledError):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            except Exception:
                log.exception("worker %s ended with an error", task.get_name())
        self._tasks.clear()
        await self.keeper.stop()
        for adapter in self.adapters.values():
            with contextlib.suppress(Exception):
                await adapter.close()
        if self.session is not None:
            await self.session.close()
        await self.db.close()

    async def healthy(self) -> list[str]:
        """Names of failed components (empty when healthy)."""
        failed = []
        if not await self.repo.ping():
            failed.append("database")
        if not self.scheduler.running and self.role == "all":
            failed.append("scheduler")
        failed += [t.get_name() for t in self._tasks if t.done()]
        return failed
