"""答疑: FAQ entries and hits, exchanges saved as a FAQ, who is brought open questions, and answer measures.

Event-atomic like every store bound to an event: a FAQ hit commits with the question it answered."""

from __future__ import annotations

from typing import Protocol

from storage.repo import answers
from storage.repo.answers import AnswerMeasures, Faq
from storage.repo.stores.sql import SqlStore


class AnswerStore(Protocol):
    """FAQ entries and hits, routing candidates and opt-outs, answer measures."""

    async def add_faq(self, group_id: str, question: str, answer: str, by: str, at: float) -> None:
        """Teach the group a FAQ."""

    async def faqs(self, group_id: str) -> list[Faq]:
        """The group's FAQs, oldest first."""

    async def committed_faqs(self, group_id: str) -> list[Faq]:
        """The group's FAQs as committed, for matching a member's message: no observer writes FAQs, so the
        event's own pending writes need not be replayed to read them (``SqlStore._read_committed``)."""

    async def remove_faq(self, group_id: str, faq_id: int) -> None:
        """Forget a FAQ (and its hits)."""

    async def last_faq_hit(self, group_id: str, faq_id: int) -> float | None:
        """When the FAQ last answered someone in the group (None: never)."""

    async def record_faq_hit(self, group_id: str, faq_id: int, member_id: str, message_id: str, at: float) -> None:
        """The FAQ answered this question (which then counts as answered)."""

    async def exchange(self, group_id: str, message_id: str) -> tuple[str | None, str | None]:
        """(its text, the text of the message it replied to) of a message, as far as texts were stored."""

    async def latest_answer_by(self, group_id: str, member_id: str) -> tuple[str | None, str | None]:
        """(question, answer) of the latest question ``member_id`` answered by a reply."""

    async def set_routing(self, group_id: str, member_id: str, on: bool, at: float) -> None:
        """Whether the member may be brought other members' open questions."""

    async def route_candidates(self, group_id: str, message_id: str, asker: str, helper_tag: str, since: float,
                               limit: int = 2) -> list[tuple[str, str]]:
        """(member, name) of the members most likely to answer this question."""

    async def measures(self, group_id: str, start: float, end: float) -> AnswerMeasures:
        """Questions asked in [start, end): asked, answered, median time to first answer, FAQ hits."""

    async def open_question_groups(self, older_than: float, newer_than: float) -> list[str]:
        """Groups with a question asked in (``newer_than``, ``older_than``] still unanswered."""


class SqlAnswerStore(SqlStore):
    """AnswerStore over SQL tables (SQLite or PostgreSQL)."""

    async def add_faq(self, group_id: str, question: str, answer: str, by: str, at: float) -> None:
        await self._write(lambda c: answers.add_faq(c, group_id, question, answer, by, at))

    async def faqs(self, group_id: str) -> list[Faq]:
        return await self._read(lambda c: answers.faqs(c, group_id))

    async def committed_faqs(self, group_id: str) -> list[Faq]:
        return await self._read_committed(lambda c: answers.faqs(c, group_id))

    async def remove_faq(self, group_id: str, faq_id: int) -> None:
        await self._write(lambda c: answers.remove_faq(c, group_id, faq_id))

    async def last_faq_hit(self, group_id: str, faq_id: int) -> float | None:
        return await self._read(lambda c: answers.last_faq_hit(c, group_id, faq_id))

    async def record_faq_hit(self, group_id: str, faq_id: int, member_id: str, message_id: str, at: float) -> None:
        await self._write(lambda c: answers.record_faq_hit(c, group_id, faq_id, member_id, message_id, at))

    async def exchange(self, group_id: str, message_id: str) -> tuple[str | None, str | None]:
        return await self._read(lambda c: answers.exchange(c, group_id, message_id))

    async def latest_answer_by(self, group_id: str, member_id: str) -> tuple[str | None, str | None]:
        return await self._read(lambda c: answers.latest_answer_by(c, group_id, member_id))

    async def set_routing(self, group_id: str, member_id: str, on: bool, at: float) -> None:
        await self._write(lambda c: answers.set_routing(c, group_id, member_id, on, at))

    async def route_candidates(self, group_id: str, message_id: str, asker: str, helper_tag: str, since: float,
                               limit: int = 2) -> list[tuple[str, str]]:
        return await self._read(lambda c: answers.route_candidates(c, group_id, message_id, asker, helper_tag, since,
                                                                   limit))

    async def measures(self, group_id: str, start: float, end: float) -> AnswerMeasures:
        return await self._read(lambda c: answers.measures(c, group_id, start, end))

    async def open_question_groups(self, older_than: float, newer_than: float) -> list[str]:
        return await self._read(lambda c: answers.open_question_groups(c, older_than, newer_than))
