"""The intake store's SQL side (``storage.repo.stores.intake``): durable acceptance and exactly-once commits
of processed events."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection

from storage.db import Database
from storage.repo import event_statements as statements
from storage.repo import intake, pending_erasures
from storage.repo.activity import MessageFacts
from storage.repo.intake import Delivery, Pending
from storage.repo.privacy import ask_refused
from storage.repo.transactions import UnitOfWork, settle


@dataclass(frozen=True, slots=True)
class Committed:
    """What became of committed events: ``failed`` seq → error (moved to dead letters), ``dropped`` seqs
    whose member was erased before they could be recorded (nothing of theirs was written)."""

    failed: dict[int, str]
    dropped: set[int]


class _Redo(Exception):
    """The batch's own writes removed an inbox row of one of its events."""


def _ask_refusals_at_once(conn: Connection, done: Sequence[tuple[int, UnitOfWork]]) -> None:
    """Whether each sender of the batch's messages refused profiling — asked by every observer's write
    (``privacy.refused``, remembered for the transaction) — in one query per group instead of one per sender."""
    senders: dict[str, set[str]] = {}
    for _seq, uow in done:
        for footprint in uow.footprints:
            if footprint is not None and isinstance(footprint.fact, MessageFacts):
                senders.setdefault(footprint.fact.group_id, set()).add(footprint.fact.member_id)
    for group_id, members in senders.items():
        ask_refused(conn, group_id, members)


class IntakeMixin:
    db: Database
    clock: Callable[[], float]
    keep_text: bool  # [storage] store_text

    async def accept(self, deliveries: Sequence[Delivery]) -> list[int | None]:
        """Durably store deliveries (group-committed); each gets its inbox sequence number (0 when it
        carried no events) or None for a duplicate."""
        now = self.clock()
        return await self.db.write(lambda c: intake.accept(c, deliveries, now))

    async def pending(self, limit: int, after: int = 0, parts: frozenset[int] | None = None) -> list[Pending]:
        """The oldest unprocessed deliveries in arrival order; of ``parts`` only, when given."""
        return await self.db.read(lambda c: intake.pending(c, limit, after, parts))

    async def pending_count(self) -> int:
        """Accepted events not yet processed."""
        return await self.db.read(intake.pending_count)

    async def oldest_pending(self) -> float | None:
        return await self.db.read(intake.oldest_pending)

    async def commit_units(self, done: Sequence[tuple[int, UnitOfWork]], finish: bool) -> Committed:
        """Commit each event's writes in one transaction (a savepoint each); with ``finish`` also delete
        its inbox row. An event whose writes fail goes to dead letters. An event whose inbox row is gone
        (an erasure took it: the event was its member's) commits nothing; after an event accepted before an
        erasure, that erasure is applied again (``pending_erasures``)."""
        now = self.clock()

        def one(conn: Connection, seq: int, uow: UnitOfWork) -> bool:
            present = intake.done(conn, seq) if finish else intake.waiting(conn, seq)
            if not present and not uow.erasing:
                return False
            uow.apply(conn)
            return True

        def batch(conn: Connection, again: dict[int, list[pending_erasures.Pending]]) -> Committed:
            """The whole batch with one presence read of inbox rows before and one after (with ``finish``: the
            delete). When the batch itself took an event's row (an erasure), it raises :class:`_Redo`: event by
            event tells who goes."""
            seqs = [seq for seq, _uow in done]
            here = intake.present(conn, seqs)
            out = Committed({}, set())
            _ask_refusals_at_once(conn, done)
            with statements.summing(conn):  # day/hour counts: one upsert per distinct row of the batch
                for i, (seq, uow) in enumerate(done):
                    if seq in here or uow.erasing:
                        uow.apply(conn)
                    else:
                        out.dropped.add(seq)
                    if again.get(i):
                        settle(conn, None)  # the erasure reads and deletes counts: they are written first
                        pending_erasures.apply_again(conn, again[i])
            if (intake.done_many(conn, seqs) if finish else intake.present(conn, seqs)) != here:
                raise _Redo
            return out

        def job(conn: Connection) -> tuple[Committed, bool]:
            erasures = pending_erasures.load(conn)
            again = pending_erasures.due_after(erasures, [seq for seq, _uow in done])
            sp = conn.begin_nested()  # fast path: the whole batch under one savepoint
            try:
                out = batch(conn, again)
            except Exception:
                sp.rollback()
                out = Committed({}, set())
                for i, (seq, uow) in enumerate(done):  # slow path: isolate the poison event(s)
                    sp = conn.begin_nested()
                    try:
                        if not one(conn, seq, uow):
                            out.dropped.add(seq)
                    except Exception as exc:  # a poison event must not block the queue
                        sp.rollback()
                        out.failed[seq] = intake.dead_letter(conn, seq, repr(exc), now, self.keep_text)
                    else:
                        sp.commit()
                    pending_erasures.apply_again(conn, again.get(i, ()))
            else:
                sp.commit()
            return out, pending_erasures.prune(conn, erasures)

        committed, settled = await self.db.write(job)
        if settled:  # the erasure record named the member: no older log page may keep it
            await self.db.checkpoint()
        return committed
