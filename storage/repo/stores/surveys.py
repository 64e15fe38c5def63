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
        ...

    async def survey_started(self, group_id: str, survey_id: str) -> float | None:
        ...

    async def record_answers(self, group_id: str, survey_id: str, member_id: str,
                             answers: Sequence[AnswerWrite]) -> None:
        ...

    async def member_answers(self, group_id: str, survey_id: str, member_id: str) -> dict[str, str]:
        ...

    async def set_consent(self, group_id: str, survey_id: str, member_id: str, consent: bool) -> None:
        ...

    async def consent_of(self, group_id: str, survey_id: str, member_id: str) -> bool | None:
        ...

    async def survey_answers(self, group_id: str, survey_id: str) -> list[tuple[str, str, str]]:
        ...


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
