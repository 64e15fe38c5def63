"""The intake half of the Repo facade: durable acceptance and exactly-once commits of processed events."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import Connection

from storage.db import Database
from storage.repo import intake
from storage.repo.base import UnitOfWork
from storage.repo.intake import Delivery, Pending


class IntakeMixin:
    db: Database
    clock: Callable[[], float]

    async def accept(self, deliveries: Sequence[Delivery]) -> list[int | None]:
        """Durably store deliveries (group-committed); each gets its inbox sequence number (0 when it
        carried no events) or None for a duplicate."""
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

        def one(conn: Connection, seq: int, uow: UnitOfWork) -> None:
            uow.apply(conn)
            if finish:
                intake.done(conn, seq)

        def job(conn: Connection) -> list[tuple[int, str]]:
            sp = conn.begin_nested()  # fast path: the whole batch under one savepoint
            try:
                for seq, uow in done:
                    one(conn, seq, uow)
            except Exception:
                sp.rollback()
            else:
                sp.commit()
                return []
            failed: list[tuple[int, str]] = []  # slow path: isolate the poison event(s)
            for seq, uow in done:
                sp = conn.begin_nested()
                try:
                    one(conn, seq, uow)
                except Exception as exc:  # a poison event must not block the queue
                    sp.rollback()
                    failed.append((seq, repr(exc)))
                    intake.dead_letter(conn, seq, repr(exc), now)
                else:
                    sp.commit()
            return failed

        return await self.db.write(job)

