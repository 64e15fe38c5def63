"""The moderation store: the moderation log (decisions, actions, ladder strikes) and pending newcomer checks.

Event-atomic like every store bound to an event: a decision commits with the message that caused it."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import Connection

from storage.repo import moderation
from storage.repo.activity import MessageFacts
from storage.repo.moderation import Captcha, ModEntry
from storage.repo.stores.sql import SqlStore
from storage.repo.transactions import Footprint

_LOG = Footprint(moderation.LOG_TABLES)


def _countable(pending: list[object] | None, group_id: str, member_id: str) -> list[MessageFacts] | None:
    """The member's messages among an event's pending writes when those writes are all message counts that
    ``newcomer_facts_after`` can add up (no other member's message shares an id with theirs); else None."""
    if pending is None or not all(isinstance(f, MessageFacts) for f in pending):
        return None
    facts = [f for f in pending if isinstance(f, MessageFacts) and f.group_id == group_id]
    mine = [f for f in facts if f.member_id == member_id]
    theirs = {f.message_id for f in facts if f.member_id != member_id}
    return None if any(f.message_id in theirs for f in mine) else mine


class ModerationStore(Protocol):
    """The moderation log and pending newcomer checks."""

    async def record_moderation(self, group_id: str, member_id: str, at: float, rule: str, action: str, mode: str,
                                *, what: str = "", seconds: int = 0, actor: str = "", strike: bool = False,
                                done: bool = True, message_id: str = "") -> None:
        """Add one decision or action to the moderation log (commits with the event being processed)."""

    async def moderation_strikes(self, group_id: str, member_id: str, since: float, modes: tuple[str, ...]) -> int:
        """How many ladder rungs the member earned since ``since`` (decisions made in one of ``modes``)."""

    async def moderation_log(self, group_id: str, member_id: str | None = None, limit: int = 20) -> list[ModEntry]:
        """The latest entries of the group's moderation log (of one member), newest first."""

    async def newcomer_facts(self, group_id: str, member_id: str) -> tuple[float | None, int]:
        """(joined or first seen, messages so far) of a member, for the stricter newcomer rules."""

    async def ladder_facts(self, group_id: str, member_id: str, since: float,
                           modes: tuple[str, ...]) -> tuple[float | None, int, int]:
        """:meth:`newcomer_facts` and :meth:`moderation_strikes` together (one read where it can be): what the
        rung of a member's violation depends on."""

    async def moderation_counts(self, group_id: str, start: float, end: float) -> list[tuple[str, str, str, int]]:
        """(rule, action, mode, entries) of the moderation log in [start, end), most frequent first."""

    async def put_captcha(self, captcha: Captcha) -> None:
        """Remember a newcomer check waiting for its answer."""

    async def captchas(self, group_id: str, member_id: str | None = None,
                       due_by: float | None = None) -> list[Captcha]:
        """Newcomer checks waiting in a group (for one member; only those due by ``due_by``)."""

    async def drop_captcha(self, group_id: str, member_id: str) -> None:
        """The newcomer check is over (passed, timed out or lifted by an admin)."""

    async def captcha_groups(self, due_by: float) -> list[str]:
        """Groups with a newcomer check due by ``due_by`` (listed under [[groups]] or not)."""


class SqlModerationStore(SqlStore):
    """ModerationStore over SQL tables (SQLite or PostgreSQL)."""

    async def record_moderation(self, group_id: str, member_id: str, at: float, rule: str, action: str, mode: str,
                                *, what: str = "", seconds: int = 0, actor: str = "", strike: bool = False,
                                done: bool = True, message_id: str = "") -> None:
        """Add one decision or action to the moderation log (commits with the event being processed)."""
        values: dict[str, object] = {"group_id": group_id, "member_id": member_id, "at": at, "rule": rule,
                                     "what": what[:200], "action": action, "seconds": seconds, "mode": mode,
                                     "actor": actor, "strike": strike, "done": done, "message_id": message_id}
        await self._write(lambda c: moderation.record(c, values), _LOG)

    async def moderation_strikes(self, group_id: str, member_id: str, since: float, modes: tuple[str, ...]) -> int:
        """How many ladder rungs the member earned since ``since`` (decisions made in one of ``modes``)."""
        return await self._read(lambda c: moderation.strikes(c, group_id, member_id, since, modes),
                                moderation.LOG_TABLES)  # a strike of this event is seen (replayed); others not

    async def moderation_log(self, group_id: str, member_id: str | None = None, limit: int = 20) -> list[ModEntry]:
        return await self._read(lambda c: moderation.entries(c, group_id, member_id, limit))

    async def newcomer_facts(self, group_id: str, member_id: str) -> tuple[float | None, int]:
        """(joined or first seen, messages so far) of a member, for the stricter newcomer rules."""
        counted = _countable(self.writer.pending(moderation.NEWCOMER_TABLES), group_id, member_id)
        if counted is None:  # the event wrote something else about them: see it by replaying its writes
            return await self._read(lambda c: moderation.newcomer_facts(c, group_id, member_id))
        # The event's own messages are added up, not replayed (the event's commit applies them once).
        return await self._read_committed(lambda c: moderation.newcomer_facts_after(c, group_id, member_id, counted))

    async def ladder_facts(self, group_id: str, member_id: str, since: float,
                           modes: tuple[str, ...]) -> tuple[float | None, int, int]:
        """:meth:`newcomer_facts` and :meth:`moderation_strikes` together (one read where it can be): what the
        rung of a member's violation depends on."""
        counted = _countable(self.writer.pending(moderation.NEWCOMER_TABLES), group_id, member_id)
        if counted is None or self.writer.pending(moderation.LOG_TABLES) != []:  # replayed, each as it needs
            first, messages = await self.newcomer_facts(group_id, member_id)
            return first, messages, await self.moderation_strikes(group_id, member_id, since, modes)

        def read(c: Connection) -> tuple[float | None, int, int]:
            first, messages = moderation.newcomer_facts_after(c, group_id, member_id, counted)
            return first, messages, moderation.strikes(c, group_id, member_id, since, modes)
        return await self._read_committed(read)

    async def moderation_counts(self, group_id: str, start: float, end: float) -> list[tuple[str, str, str, int]]:
        return await self._read(lambda c: moderation.counts(c, group_id, start, end))

    async def put_captcha(self, captcha: Captcha) -> None:
        await self._write(lambda c: moderation.put_captcha(c, captcha))

    async def captchas(self, group_id: str, member_id: str | None = None,
                       due_by: float | None = None) -> list[Captcha]:
        """Newcomer checks waiting in a group (for one member; only those due by ``due_by``)."""
        return await self._read(lambda c: moderation.captchas(c, group_id, member_id, due_by))

    async def drop_captcha(self, group_id: str, member_id: str) -> None:
        await self._write(lambda c: moderation.drop_captcha(c, group_id, member_id))

    async def captcha_groups(self, due_by: float) -> list[str]:
        return await self._read(lambda c: moderation.captcha_groups(c, due_by))
