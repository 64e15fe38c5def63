"""The repo: intent-named async calls; the only way the rest of quntag touches the database.

Write intents go to ``self.writer`` — the database directly (jobs, admin paths) or the unit of work of
the event being processed, so an event's effects commit together with the removal of its inbox row.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection

from storage.db import Database
from storage.repo import activity, intake, profiles
from storage.repo.activity import MessageFacts
from storage.repo.base import DirectWriter, UnitOfWork, Writer
from storage.repo.intake import Delivery, OutboxItem, Pending
from storage.repo.ops import AnswerWrite, CheckinState, Window
from storage.repo.ops_api import OpsMixin
from storage.repo.profiles import Hit, MemberFacts

__all__ = ["AnswerWrite", "CheckinState", "Delivery", "Hit", "MemberFacts", "MessageFacts", "OutboxItem", "Pending",
           "Repo", "UnitOfWork", "Window"]


class Repo(OpsMixin):
    """Intent-named storage calls over one :class:`Database`."""

    def __init__(self, db: Database, writer: Writer | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self.writer: Writer = writer or DirectWriter(db)
        self.clock = clock

    def bound(self, uow: UnitOfWork) -> Repo:
        """The same repo whose writes are collected in ``uow``."""
        return Repo(self.db, uow, self.clock)

    # -- intake -----------------------------------------------------------------------------------
    async def accept(self, deliveries: Sequence[Delivery]) -> list[bool]:
        """Durably store deliveries (group-committed); False marks a duplicate."""
        now = self.clock()
        return await self.db.write(lambda c: intake.accept(c, deliveries, now))

    async def pending(self, limit: int, after: int = 0) -> list[Pending]:
        return await self.db.read(lambda c: intake.pending(c, limit, after))

    async def pending_count(self) -> int:
        """Accepted events not yet processed."""
        return await self.db.read(intake.pending_count)

    async def oldest_pending(self) -> float | None:
        return await self.db.read(intake.oldest_pending)

    async def commit_units(self, done: Sequence[tuple[int, UnitOfWork]], finish: bool) -> list[tuple[int, str]]:
        """Commit each event's writes in one transaction (a savepoint each); with ``finish`` also delete
        its inbox row. An event whose writes fail goes to dead letters; returns those (seq, error)."""
        now = self.clock()

        def job(conn: Connection) -> list[tuple[int, str]]:
            failed: list[tuple[int, str]] = []
            for seq, uow in done:
                sp = conn.begin_nested()
                try:
                    uow.apply(conn)
                    if finish:
                        intake.done(conn, seq)
                except Exception as exc:  # a poison event must not block the queue
                    sp.rollback()
                    failed.append((seq, repr(exc)))
                    intake.dead_letter(conn, seq, repr(exc), now)
                else:
                    sp.commit()
            return failed

        return await self.db.write(job)

    # -- activity and tags ------------------------------------------------------------------------
    async def record_message(self, facts: MessageFacts) -> None:
        await self.writer.run(lambda c: activity.record_message(c, facts))

    async def record_membership(self, group_id: str, adapter: str, group_name: str, member_id: str,
                                member_name: str, kind: str, at: float, event_id: str,
                                invited_by: str | None) -> None:
        await self.writer.run(lambda c: activity.record_membership(
            c, group_id, adapter, group_name, member_id, member_name, kind, at, event_id, invited_by))

    async def record_tag_hits(self, group_id: str, member_id: str, message_id: str, at: float,
                              hits: Sequence[tuple[str, str]]) -> None:
        await self.writer.run(lambda c: activity.record_tag_hits(c, group_id, member_id, message_id, at, hits))

    async def reject_tag(self, group_id: str, member_id: str, tag: str, at: float) -> None:
        """An admin rejected a keyword tag for a member at ``at``."""
        await self.writer.run(lambda c: activity.reject_tag(c, group_id, member_id, tag, at))

    # -- outbox -----------------------------------------------------------------------------------
    async def enqueue_outgoing(self, adapter: str, payload: dict[str, Any]) -> None:
        now = self.clock()
        await self.writer.run(lambda c: intake.enqueue_outgoing(c, adapter, payload, now))

    async def due_outgoing(self, limit: int, exclude: Sequence[int] = ()) -> list[OutboxItem]:
        now = self.clock()
        return await self.db.read(lambda c: intake.due_outgoing(c, now, limit, exclude))

    async def next_outgoing_at(self) -> float | None:
        return await self.db.read(intake.next_outgoing_at)

    async def outgoing_sent(self, item_id: int) -> None:
        await self.db.write(lambda c: intake.outgoing_sent(c, item_id))

    async def outgoing_failed(self, item_id: int, next_at: float, error: str) -> None:
        await self.db.write(lambda c: intake.outgoing_failed(c, item_id, next_at, error))

    async def outbox_stats(self) -> dict[str, tuple[int, float | None]]:
        return await self.db.read(intake.outbox_stats)

    # -- adapter state ----------------------------------------------------------------------------
    async def adapter_state(self, adapter: str) -> dict[str, str]:
        """Everything an adapter stored with :meth:`set_adapter_state`."""
        return await self.db.read(lambda c: intake.get_state(c, adapter))

    async def set_adapter_state(self, adapter: str, key: str, value: str | None) -> None:
        """Store (or with None delete) one durable fact for an adapter; committed on return."""
        now = self.clock()
        await self.db.write(lambda c: intake.set_state(c, adapter, key, value, now))

    # -- reads ------------------------------------------------------------------------------------
    async def groups(self) -> list[tuple[str, str, int]]:
        return await self.db.read(profiles.groups)

    async def group_exists(self, group_id: str) -> bool:
        return await self.db.read(lambda c: profiles.group_exists(c, group_id))

    async def member_ids(self, group_id: str) -> list[str]:
        return await self.db.read(lambda c: profiles.member_ids(c, group_id))

    async def member_facts(self, group_id: str, ids: Sequence[str], since_day: str,
                           with_text: bool = False) -> list[MemberFacts]:
        return await self.db.read(lambda c: profiles.member_facts(c, group_id, ids, since_day, with_text))

    async def last_message_before(self, group_id: str, member_id: str, at: float) -> float | None:
        return await self.db.read(lambda c: profiles.last_message_before(c, group_id, member_id, at))

    async def ping(self) -> bool:
        """True when a trivial read succeeds and the writer's last batch committed."""
        from sqlalchemy import text

        try:
            await self.db.read(lambda c: c.execute(text("SELECT 1")).scalar())
        except Exception:
            return False
        return self.db.healthy
