"""Groups and members as stored: who is there, their facts and counters, look-up by name, group moves."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol

from storage.repo import evidence, groups, profiles, roster, surveys
from storage.repo.profiles import MemberFacts, ScoreWant
from storage.repo.roster import RosterRow
from storage.repo.scores import EvidenceRow, TagScore
from storage.repo.stores.sql import SqlStore


class MemberStore(Protocol):
    """Groups and members as stored: who is there, their facts and counters, look-up by name, group moves."""

    async def groups(self) -> list[tuple[str, str, int]]:
        """(group id, name, members) of every group."""

    async def group_exists(self, group_id: str) -> bool:
        """Whether anything was ever recorded for the group."""

    async def member_ids(self, group_id: str) -> list[str]:
        """Every member of the group."""

    async def member_facts(self, group_id: str, ids: Sequence[str] | None, since_day: str,
                           with_text: bool = False, scores: ScoreWant | None = None,
                           lite: bool = False, days: bool = True) -> list[MemberFacts]:
        """Facts of ``ids`` (None: every member, in ``member_ids`` order); keyword scores as ``scores`` asks;
        ``lite``: without hours and active days; ``days`` False: without day counts."""

    async def newest_hits(self, group_id: str, pairs: Sequence[tuple[str, str]], n: int,
                          with_text: bool = False) -> dict[tuple[str, str], list[EvidenceRow]]:
        """The newest ``n`` live hits of each (member, tag) of ``pairs`` as a profile's evidence has them, read
        for those pairs alone; pairs without a live hit are left out."""

    async def rate_sums(self, group_id: str, ids: Sequence[str], recent_from: str, prev_from: str,
                        day: str) -> dict[str, tuple[int, int]]:
        """Per member: messages from ``recent_from`` to ``day``, and from ``prev_from`` to before ``recent_from``."""

    async def member_stats(self, group_id: str, ids: Sequence[str]) -> dict[str, tuple[int, list[int]]]:
        """Per member: (active days, messages by local hour)."""

    async def last_messages_before(self, group_id: str, ids: Sequence[str], at: float) -> dict[str, float | None]:
        """Each member's latest message at or before ``at`` (one indexed look-up per member)."""

    async def roster(self, group_id: str) -> list[RosterRow]:
        """Every member's cheap columns: the member row, the stored tier and stage."""

    async def tier_counts(self, group_id: str) -> tuple[dict[str | None, int], int]:
        """Members not opted out per stored tier (None: none stored), and the group's members in all."""

    async def in_tiers(self, group_id: str, tiers: Collection[str | None]) -> list[str]:
        """Members not opted out whose stored tier is one of ``tiers``, in ``member_ids`` order."""

    async def membership(self, group_id: str) -> dict[str, list[tuple[str, float]]]:
        """Per member with any: join/leave events as (kind, at), oldest first."""

    async def active_days(self, group_id: str, ids: Sequence[str] | None) -> dict[str, int]:
        """Per member (``ids`` None: all): all-time active local days; members with none are left out."""

    async def member_scores_at(self, group_id: str, member_id: str, times: Sequence[float], half_life_days: float,
                               tags: Collection[str]) -> list[dict[str, TagScore]]:
        """One member's keyword scores of ``tags`` at each of ``times`` (each as ``member_facts`` has it)."""

    async def find_members(self, group_id: str, token: str, limit: int = 10) -> list[tuple[str, str]]:
        """(member id, name) of the members a typed reference names: by id first, else by exact name."""

    async def current_members(self, group_id: str) -> list[str]:
        """The members who are in the group now (joined and not left since)."""

    async def move_group(self, old_id: str, new_id: str, adapter: str, at: float) -> None:
        """The group ``old_id`` now lives under ``new_id``: move its rows, keep ``old_id`` as an alias."""

    async def resolve_group(self, group_id: str) -> str:
        """The current id of a group (follows aliases left by :meth:`move_group`)."""


class SqlMemberStore(SqlStore):
    """MemberStore over SQL tables (SQLite or PostgreSQL)."""

    async def groups(self) -> list[tuple[str, str, int]]:
        return await self._read(profiles.groups)

    async def group_exists(self, group_id: str) -> bool:
        return await self._read(lambda c: profiles.group_exists(c, group_id))

    async def member_ids(self, group_id: str) -> list[str]:
        return await self._read(lambda c: profiles.member_ids(c, group_id))

    async def member_facts(self, group_id: str, ids: Sequence[str] | None, since_day: str,
                           with_text: bool = False, scores: ScoreWant | None = None,
                           lite: bool = False, days: bool = True) -> list[MemberFacts]:
        return await self._read(lambda c: profiles.member_facts(c, group_id, ids, since_day, with_text, scores,
                                                                  lite, days))

    async def newest_hits(self, group_id: str, pairs: Sequence[tuple[str, str]], n: int,
                          with_text: bool = False) -> dict[tuple[str, str], list[EvidenceRow]]:
        return await self._read(lambda c: evidence.newest_of(c, group_id, pairs, n, with_text))

    async def rate_sums(self, group_id: str, ids: Sequence[str], recent_from: str, prev_from: str,
                        day: str) -> dict[str, tuple[int, int]]:
        return await self._read(lambda c: profiles.rate_sums(c, group_id, ids, recent_from, prev_from, day))

    async def member_stats(self, group_id: str, ids: Sequence[str]) -> dict[str, tuple[int, list[int]]]:
        return await self._read(lambda c: profiles.member_stats(c, group_id, ids))

    async def last_messages_before(self, group_id: str, ids: Sequence[str], at: float) -> dict[str, float | None]:
        return await self._read(lambda c: profiles.last_messages_before(c, group_id, ids, at))

    async def roster(self, group_id: str) -> list[RosterRow]:
        return await self._read(lambda c: roster.roster(c, group_id))

    async def tier_counts(self, group_id: str) -> tuple[dict[str | None, int], int]:
        return await self._read(lambda c: roster.tier_counts(c, group_id))

    async def in_tiers(self, group_id: str, tiers: Collection[str | None]) -> list[str]:
        return await self._read(lambda c: roster.in_tiers(c, group_id, tiers))

    async def membership(self, group_id: str) -> dict[str, list[tuple[str, float]]]:
        return await self._read(lambda c: roster.membership(c, group_id))

    async def active_days(self, group_id: str, ids: Sequence[str] | None) -> dict[str, int]:
        return await self._read(lambda c: roster.active_days(c, group_id, ids))

    async def member_scores_at(self, group_id: str, member_id: str, times: Sequence[float], half_life_days: float,
                               tags: Collection[str]) -> list[dict[str, TagScore]]:
        return await self._read(lambda c: roster.member_scores_at(c, group_id, member_id, times, half_life_days,
                                                                    tags))

    async def find_members(self, group_id: str, token: str, limit: int = 10) -> list[tuple[str, str]]:
        return await self._read(lambda c: profiles.find_members(c, group_id, token, limit))

    async def current_members(self, group_id: str) -> list[str]:
        return await self._read(lambda c: surveys.current_members(c, group_id))

    async def move_group(self, old_id: str, new_id: str, adapter: str, at: float) -> None:
        await self._write(lambda c: groups.move_group(c, old_id, new_id, adapter, at))

    async def resolve_group(self, group_id: str) -> str:
        return await self._read(lambda c: groups.resolve(c, group_id))
