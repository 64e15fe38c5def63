"""The operator console's storage: login links, sessions and chart series (a feature store used by the console
only). Callers pass one-way hashes, never a link's token or a cookie's session id."""

from __future__ import annotations

from typing import Protocol

from storage.db import Database
from storage.repo import console_logins, console_series, rollups


class ConsoleStore(Protocol):
    """The operator console's storage; every write is committed on return (immediate: the console is no event)."""

    async def add_login_token(self, token_hash: str, member_id: str, now: float, expires_at: float) -> None:
        """Store a one-time login link for ``member_id`` (and drop what ran out)."""

    async def redeem_login(self, token_hash: str, session_hash: str, now: float,
                           session_expires_at: float) -> tuple[str, str | None]:
        """Spend a link and open a session atomically: (``ok|unknown|expired|used``, member or None)."""

    async def session(self, session_hash: str, now: float) -> tuple[str, float] | None:
        """(member, expires_at) of a live session, else None."""

    async def end_session(self, session_hash: str) -> bool:
        """Log one session out; False when it was not open."""

    async def end_member_sessions(self, member_id: str) -> int:
        """Log a member out everywhere; the number of sessions ended."""

    async def messages_by_day(self, group_id: str, since_day: str) -> dict[str, int]:
        """Messages per local day since ``since_day``."""

    async def membership_times(self, group_id: str, since: float) -> list[tuple[str, str, float]]:
        """(member, join|leave, at) of the membership changes since ``since``."""

    async def messages_by_day_hour(self, group_id: str, since_day: str) -> list[tuple[str, int, int]]:
        """(local day, local hour, messages) since ``since_day``: the dashboard's heat map."""

    async def member_checkins(self, group_id: str, member_id: str, since_day: str) -> list[tuple[str, int]]:
        """(day, streak) of a member's check-ins since ``since_day``."""

    async def tag_weeks(self, group_id: str, tags: list[str], start: float, end: float,
                        week_s: float) -> list[tuple[str, int, int]]:
        """Weekly hits of ``tags`` from ``start`` to ``end`` (week 0 first)."""

    async def recent_texts(self, group_id: str, limit: int) -> tuple[int, list[str]]:
        """How many of the latest messages were read, and the texts stored among them."""

    async def recent_hit_keywords(self, group_id: str, limit: int) -> list[str]:
        """The keywords of the latest keyword hits (the rule preview when no text is stored)."""

    async def current_stages(self, group_id: str) -> tuple[dict[str, str], list[str]]:
        """(member → stage from the last recompute, members who opted out and need evaluating apart)."""

    async def tier_counts(self, group_id: str) -> dict[str, int]:
        """Members per value tier as the last recompute stored them."""

    async def present_members(self, group_id: str) -> int:
        """How many members have not left."""

    async def stage_day(self, group_id: str, day: str, settings: str) -> dict[str, str] | None:
        """member → stage at the end of a past ``day`` as stored under ``settings``; None when not stored."""

    async def save_stage_day(self, group_id: str, day: str, through: float, settings: str,
                             stages: dict[str, str]) -> None:
        """Store the stages at the end of a past ``day`` (computed from the facts)."""


class SqlConsoleStore:
    """ConsoleStore over SQL tables (SQLite or PostgreSQL)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def add_login_token(self, token_hash: str, member_id: str, now: float, expires_at: float) -> None:
        """Store a one-time login link for ``member_id`` (and drop what ran out)."""
        await self.db.write(lambda c: console_logins.add_token(c, token_hash, member_id, now, expires_at))

    async def redeem_login(self, token_hash: str, session_hash: str, now: float,
                           session_expires_at: float) -> tuple[str, str | None]:
        """Spend a link and open a session atomically: (``ok|unknown|expired|used``, member or None)."""
        return await self.db.write(lambda c: console_logins.redeem(c, token_hash, session_hash, now,
                                                                   session_expires_at))

    async def session(self, session_hash: str, now: float) -> tuple[str, float] | None:
        """(member, expires_at) of a live session, else None."""
        return await self.db.read(lambda c: console_logins.session(c, session_hash, now))

    async def end_session(self, session_hash: str) -> bool:
        return bool(await self.db.write(lambda c: console_logins.end_session(c, session_hash)))

    async def end_member_sessions(self, member_id: str) -> int:
        """Log a member out everywhere; the number of sessions ended."""
        return await self.db.write(lambda c: console_logins.end_member_sessions(c, member_id))


    async def messages_by_day(self, group_id: str, since_day: str) -> dict[str, int]:
        return await self.db.read(lambda c: rollups.messages_by_day(c, group_id, since_day))

    async def membership_times(self, group_id: str, since: float) -> list[tuple[str, str, float]]:
        return await self.db.read(lambda c: console_series.membership_times(c, group_id, since))

    async def messages_by_day_hour(self, group_id: str, since_day: str) -> list[tuple[str, int, int]]:
        return await self.db.read(lambda c: rollups.messages_by_day_hour(c, group_id, since_day))

    async def member_checkins(self, group_id: str, member_id: str, since_day: str) -> list[tuple[str, int]]:
        return await self.db.read(lambda c: console_series.member_checkins(c, group_id, member_id, since_day))

    async def tag_weeks(self, group_id: str, tags: list[str], start: float, end: float,
                        week_s: float) -> list[tuple[str, int, int]]:
        """Weekly hits of ``tags`` from ``start`` to ``end`` (week 0 first)."""
        return await self.db.read(lambda c: console_series.tag_weeks(c, group_id, tags, start, end, week_s))

    async def recent_texts(self, group_id: str, limit: int) -> tuple[int, list[str]]:
        """How many of the latest messages were read, and the texts stored among them."""
        return await self.db.read(lambda c: console_series.recent_texts(c, group_id, limit))

    async def recent_hit_keywords(self, group_id: str, limit: int) -> list[str]:
        return await self.db.read(lambda c: console_series.recent_hit_keywords(c, group_id, limit))

    async def current_stages(self, group_id: str) -> tuple[dict[str, str], list[str]]:
        return await self.db.read(lambda c: console_series.current_stages(c, group_id))

    async def stage_day(self, group_id: str, day: str, settings: str) -> dict[str, str] | None:
        return await self.db.read(lambda c: rollups.stage_day(c, group_id, day, settings))

    async def save_stage_day(self, group_id: str, day: str, through: float, settings: str,
                             stages: dict[str, str]) -> None:
        await self.db.write(lambda c: rollups.save_stage_day(c, group_id, day, through, settings, stages))

    async def tier_counts(self, group_id: str) -> dict[str, int]:
        return await self.db.read(lambda c: console_series.tier_counts(c, group_id))

    async def present_members(self, group_id: str) -> int:
        return await self.db.read(lambda c: console_series.present_members(c, group_id))
