"""Questions asked and answered in the group, and the alerts sent about them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from storage.repo import questions
from storage.repo.stores.sql import SqlStore
from storage.repo.transactions import Footprint

_ASKED = Footprint(questions.QUESTION_TABLES, reads=questions.QUESTION_READS)
_ANSWERED = Footprint(questions.QUESTION_TABLES)


class QuestionStore(Protocol):
    """Questions asked and answered in the group, and the alerts sent about them."""

    async def record_question(self, group_id: str, message_id: str, member_id: str, at: float,
                              excerpt: str | None) -> None:
        """Track a question for unanswered-question alerts; not for a member who refused profiling."""

    async def answer_questions(self, group_id: str, by_member: str, at: float, reply_to: str | None,
                               mentioned: Sequence[str]) -> None:
        """A message answers the question it replies to and open questions of the members it mentions."""

    async def open_questions(self, group_id: str, older_than: float,
                             newer_than: float) -> list[tuple[str, str, str, float, str | None]]:
        """(message, member, name, at, excerpt) of questions asked in (``newer_than``, ``older_than``] still open."""

    async def claim_alert(self, group_id: str, kind: str, key: str, max_per_hour: int) -> bool:
        """Record an alert unless it was sent before or the hourly budget is spent (committed on return)."""


class SqlQuestionStore(SqlStore):
    """QuestionStore over SQL tables (SQLite or PostgreSQL)."""

    async def record_question(self, group_id: str, message_id: str, member_id: str, at: float,
                              excerpt: str | None) -> None:
        await self._write(lambda c: questions.record_question(c, group_id, message_id, member_id, at, excerpt),
                          _ASKED)

    async def answer_questions(self, group_id: str, by_member: str, at: float, reply_to: str | None,
                               mentioned: Sequence[str]) -> None:
        await self._write(lambda c: questions.answer_questions(c, group_id, by_member, at, reply_to, mentioned),
                          _ANSWERED)

    async def open_questions(self, group_id: str, older_than: float,
                             newer_than: float) -> list[tuple[str, str, str, float, str | None]]:
        return await self._read(lambda c: questions.open_questions(c, group_id, older_than, newer_than))

    async def claim_alert(self, group_id: str, kind: str, key: str, max_per_hour: int) -> bool:
        now = self.clock()
        return await self._commit(lambda c: questions.claim_alert(c, group_id, kind, key, now, max_per_hour))
