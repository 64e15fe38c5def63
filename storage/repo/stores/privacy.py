"""Opt-out, erasure, a member's raw data, the audit log and text retention."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import Connection

from storage.models import AuditEntry
from storage.repo import erasure, export_links, pending_erasures, privacy, retention
from storage.repo.stores.sql import SqlStore
from storage.repo.transactions import Footprint, UnitOfWork, tables

_AUDIT = Footprint(tables(AuditEntry))


class PrivacyStore(Protocol):
    """Opt-out, erasure, a member's raw data, the audit log and text retention."""

    async def set_opt_out(self, group_id: str, member_id: str, opted_out: bool) -> None:
        """Stop (or resume) profiling one member, from the next event on (also for unknown members)."""

    async def profiling_refused(self, group_id: str, member_id: str) -> bool:
        """Whether the member opted out in the group (the marker outlives an erasure)."""

    async def forget_member(self, group_id: str, member_id: str, actor: str) -> dict[str, int]:
        """Erase everything about a member in a group in one transaction, then drop the older copies the
        write-ahead log still holds; rows removed per table. Audited under the member's one-way key."""

    async def member_stored(self, group_id: str, member_id: str) -> bool:
        """Whether any row about the member is stored in the group (whatever table: a join request is enough)."""

    async def member_raw_data(self, group_id: str, member_id: str) -> dict[str, list[dict[str, Any]]]:
        """Every stored row about the member, per table (for /mydata and exports)."""

    async def audit(self, actor: str, action: str, group_id: str = "", detail: str = "") -> None:
        """Record who looked at, exported or changed member data."""

    async def add_export_link(self, token_hash: str, group_id: str, member_id: str, expires_at: float) -> None:
        """Store a one-time download link to the member's data (immediate: the link is sent right after)."""

    async def redeem_export_link(self, token_hash: str) -> tuple[str, str | None, str | None]:
        """Spend a download link: (``ok``/``unknown``/``expired``/``used``, group, member)."""

    async def purge_text(self, before: float | None) -> dict[str, int]:
        """Take member text stored before ``before`` out of every copy (None: keep it), then truncate the
        write-ahead log so it holds no older copies either; rows changed per table."""


class SqlPrivacyStore(SqlStore):
    """PrivacyStore over SQL tables (SQLite or PostgreSQL)."""

    async def set_opt_out(self, group_id: str, member_id: str, opted_out: bool) -> None:
        await self._write(lambda c: privacy.set_opt_out(c, group_id, member_id, opted_out))

    async def profiling_refused(self, group_id: str, member_id: str) -> bool:
        return await self._read(lambda c: privacy.refused(c, group_id, member_id))

    async def forget_member(self, group_id: str, member_id: str, actor: str) -> dict[str, int]:
        now = self.clock()
        alias = erasure.pseudonym(member_id)

        def job(conn: Connection) -> dict[str, int]:
            erased = erasure.forget(conn, group_id, member_id)
            pending_erasures.record(conn, group_id, member_id, erased.names, now)
            privacy.audit(conn, now, actor.replace(member_id, alias), "forget", group_id,
                          f"{alias}: {sum(erased.removed.values())} rows")
            return erased.removed

        if isinstance(self.writer, UnitOfWork):  # asked for by the event being processed: its row goes too
            self.writer.erasing = True
        removed = await self._commit(job)
        await self.db.checkpoint()
        return removed

    async def member_stored(self, group_id: str, member_id: str) -> bool:
        return await self._read(lambda c: privacy.stored(c, group_id, member_id))

    async def member_raw_data(self, group_id: str, member_id: str) -> dict[str, list[dict[str, Any]]]:
        return await self._read(lambda c: privacy.raw_data(c, group_id, member_id))

    async def audit(self, actor: str, action: str, group_id: str = "", detail: str = "") -> None:
        now = self.clock()
        await self._write(lambda c: privacy.audit(c, now, actor, action, group_id, detail), _AUDIT)

    async def add_export_link(self, token_hash: str, group_id: str, member_id: str, expires_at: float) -> None:
        now = self.clock()
        await self._commit(lambda c: export_links.add(c, token_hash, group_id, member_id, now, expires_at))

    async def redeem_export_link(self, token_hash: str) -> tuple[str, str | None, str | None]:
        now = self.clock()
        return await self._commit(lambda c: export_links.redeem(c, token_hash, now))

    async def purge_text(self, before: float | None) -> dict[str, int]:
        purged = await self._commit(lambda c: retention.purge(c, before)) if before is not None else {}
        await self.db.checkpoint()
        return purged
