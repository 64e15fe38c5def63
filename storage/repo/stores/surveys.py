"""Survey runs, answers and consent."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from storage.repo import surveys
from storage.repo.stores.sql import SqlStore
from storage.repo.surveys import AnswerWrite


class SurveyStore(Protocol):
    """Survey runs, answers and consent."""

    async def start_survey(self, group_id: str, survey_id: str) -> None:
        """Record that a survey was posted in the group now."""

    async def survey_started(self, group_id: str, survey_id: str) -> float | None:
        """When the survey was last posted in the group (None: never)."""

    async def record_answers(self, group_id: str, survey_id: str, member_id: str,
                             answers: Sequence[AnswerWrite]) -> None:
        """Store a member's answers; they set attributes and tags unless the member refused profiling."""

    async def member_answers(self, group_id: str, survey_id: str, member_id: str) -> dict[str, str]:
        """question → answer of one member."""

    async def set_consent(self, group_id: str, survey_id: str, member_id: str, consent: bool) -> None:
        """Record the member's consent (or refusal) to a survey's sensitive questions."""

    async def consent_of(self, group_id: str, survey_id: str, member_id: str) -> bool | None:
        """The member's consent to the survey (None: not asked yet)."""

    async def survey_answers(self, group_id: str, survey_id: str) -> list[tuple[str, str, str]]:
        """(member, question, answer) of every answer to the survey."""


class SqlSurveyStore(SqlStore):
    """SurveyStore over SQL tables (SQLite or PostgreSQL)."""

    async def start_survey(self, group_id: str, survey_id: str) -> None:
        now = self.clock()
        await self._write(lambda c: surveys.start_survey(c, group_id, survey_id, now))

    async def survey_started(self, group_id: str, survey_id: str) -> float | None:
        return await self._read(lambda c: surveys.survey_started(c, group_id, survey_id))

    async def record_answers(self, group_id: str, survey_id: str, member_id: str,
                             answers: Sequence[AnswerWrite]) -> None:
        now = self.clock()
        await self._write(lambda c: surveys.record_answers(c, group_id, survey_id, member_id, answers, now))

    async def member_answers(self, group_id: str, survey_id: str, member_id: str) -> dict[str, str]:
        return await self._read(lambda c: surveys.member_answers(c, group_id, survey_id, member_id))

    async def set_consent(self, group_id: str, survey_id: str, member_id: str, consent: bool) -> None:
        now = self.clock()
        await self._write(lambda c: surveys.set_consent(c, group_id, survey_id, member_id, consent, now))

    async def consent_of(self, group_id: str, survey_id: str, member_id: str) -> bool | None:
        return await self._read(lambda c: surveys.consent_of(c, group_id, survey_id, member_id))

    async def survey_answers(self, group_id: str, survey_id: str) -> list[tuple[str, str, str]]:
        return await self._read(lambda c: surveys.survey_answers(c, group_id, survey_id))
