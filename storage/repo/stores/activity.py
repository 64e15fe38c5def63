"""What the observers record per event: messages, sightings, joins and leaves, keyword hits, signals."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from storage.repo import activity, signals
from storage.repo.activity import MessageFacts
from storage.repo.signals import Signal
from storage.repo.stores.sql import SqlStore
from storage.repo.transactions import Footprint

_SIGHTING = Footprint(activity.SIGHTING_TABLES, reads=activity.READS)
_MEMBERSHIP = Footprint(activity.MEMBERSHIP_TABLES, reads=activity.READS)
_TAG_HITS = Footprint(activity.TAG_HIT_TABLES, reads=activity.READS)
_SIGNAL = Footprint(signals.SIGNAL_TABLES, reads=activity.READS)


class ActivityStore(Protocol):
    """What the observers record per event: messages, sightings, joins and leaves, keyword hits, signals."""

    async def record_message(self, facts: MessageFacts) -> None:
        """Count one message for its sender (day, hour, first/last sight, name), once per message id."""

    async def record_sighting(self, group_id: str, adapter: str, group_name: str, member_id: str,
                              member_name: str, at: float, late: bool = True) -> None:
        """The member was there without chatting (a command, a check-in): name and first/last sight only.
        ``late``: the sighting may be from before today (then stored days of stages it changes are dropped)."""

    async def record_membership(self, group_id: str, adapter: str, group_name: str, member_id: str,
                                member_name: str, kind: str, at: float, event_id: str,
                                invited_by: str | None, late: bool = True) -> None:
        """A join or leave; the same (group, member, kind) within 60 s counts once; not for a member who refused
        profiling. ``late`` as for sightings."""

    async def record_tag_hits(self, group_id: str, member_id: str, message_id: str, at: float,
                              hits: Sequence[tuple[str, str]]) -> None:
        """The keyword hits of one message, once per tag; not for a member who refused profiling."""

    async def record_signal(self, group_id: str, signal: Signal) -> None:
        """Per-message facts (question, link, reply, mentions) for activity tags."""

    async def message_signals(self, group_id: str, since: float, until: float) -> list[Signal]:
        """Signals of the messages between ``since`` and ``until``."""


class SqlActivityStore(SqlStore):
    """ActivityStore over SQL tables (SQLite or PostgreSQL)."""

    async def record_message(self, facts: MessageFacts) -> None:
        # The facts ride along: a read of the same event can add this message up without replaying it.
        await self._write(lambda c: activity.record_message(c, facts),
                          Footprint(activity.MESSAGE_TABLES, facts, activity.READS, activity.MESSAGE_SUMS))

    async def record_sighting(self, group_id: str, adapter: str, group_name: str, member_id: str,
                              member_name: str, at: float, late: bool = True) -> None:
        await self._write(lambda c: activity.record_sighting(c, group_id, adapter, group_name, member_id,
                                                                 member_name, at, late), _SIGHTING)

    async def record_membership(self, group_id: str, adapter: str, group_name: str, member_id: str,
                                member_name: str, kind: str, at: float, event_id: str,
                                invited_by: str | None, late: bool = True) -> None:
        await self._write(lambda c: activity.record_membership(
            c, group_id, adapter, group_name, member_id, member_name, kind, at, event_id, invited_by, late),
            _MEMBERSHIP)

    async def record_tag_hits(self, group_id: str, member_id: str, message_id: str, at: float,
                              hits: Sequence[tuple[str, str]]) -> None:
        await self._write(lambda c: activity.record_tag_hits(c, group_id, member_id, message_id, at, hits), _TAG_HITS)

    async def record_signal(self, group_id: str, signal: Signal) -> None:
        await self._write(lambda c: signals.record_signal(c, group_id, signal), _SIGNAL)

    async def message_signals(self, group_id: str, since: float, until: float) -> list[Signal]:
        return await self._read(lambda c: signals.signals(c, group_id, since, until))
