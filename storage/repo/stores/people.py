"""One person across the matrix: linked accounts and one-time link codes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from storage.repo import people
from storage.repo.stores.sql import SqlStore


class PeopleStore(Protocol):
    """Accounts linked into one person (by the member's own code, or by an admin with a reason)."""

    async def issue_code(self, member_id: str, code_hash: str, expires_at: float) -> None:
        """A new one-time code for the member (their earlier unused codes stop working)."""

    async def redeem(self, code_hash: str, member_id: str, new_person: str) -> tuple[str, str | None]:
        """Spend a code from ``member_id``: ``("linked", person)``, or ``("unknown" | "used" | "expired" |
        "self", None)``. ``new_person`` is the id used when neither account had a person yet."""

    async def link(self, a: str, b: str, how: str, reason: str, new_person: str) -> str:
        """Link two accounts (merging their persons); returns the person id."""

    async def unlink(self, member_id: str) -> bool:
        """Take the account out of its person; False when it was not linked."""

    async def person_of(self, member_id: str) -> str | None:
        """The person the account belongs to, if linked."""

    async def persons_of(self, member_ids: Sequence[str]) -> dict[str, str]:
        """Member → person for the linked ones among ``member_ids``."""

    async def accounts(self, person_id: str) -> list[str]:
        """The person's accounts, sorted (none for an unknown person)."""

    async def member_groups(self, member_id: str) -> list[str]:
        """Every group the account has rows in."""

    async def forget_person(self, members: Sequence[str]) -> None:
        """Remove every link and code of these accounts."""


class SqlPeopleStore(SqlStore):
    """PeopleStore over SQL tables (SQLite or PostgreSQL)."""

    async def issue_code(self, member_id: str, code_hash: str, expires_at: float) -> None:
        await self._write(lambda c: people.issue_code(c, member_id, code_hash, expires_at))

    async def redeem(self, code_hash: str, member_id: str, new_person: str) -> tuple[str, str | None]:
        now = self.clock()
        return await self._commit(lambda c: people.redeem(c, code_hash, member_id, now, new_person))

    async def link(self, a: str, b: str, how: str, reason: str, new_person: str) -> str:
        now = self.clock()
        return await self._commit(lambda c: people.link(c, a, b, now, how, reason, new_person))

    async def unlink(self, member_id: str) -> bool:
        return await self._commit(lambda c: people.unlink(c, member_id))

    async def person_of(self, member_id: str) -> str | None:
        return await self._read(lambda c: people.person_of(c, member_id))

    async def persons_of(self, member_ids: Sequence[str]) -> dict[str, str]:
        return await self._read(lambda c: people.persons_of(c, member_ids)) if member_ids else {}

    async def accounts(self, person_id: str) -> list[str]:
        return await self._read(lambda c: people.accounts(c, person_id))

    async def member_groups(self, member_id: str) -> list[str]:
        return await self._read(lambda c: people.member_groups(c, member_id))

    async def forget_person(self, members: Sequence[str]) -> None:
        await self._write(lambda c: people.forget_person(c, members))
