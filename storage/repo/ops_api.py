"""The community-routine half of the Repo facade: job runs, settings, check-ins, news, activities, surveys."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from storage.db import Database
from storage.repo import ops, ops_reports, ops_surveys, settings
from storage.repo.base import UnitOfWork, Writer
from storage.repo.ops import CheckinState
from storage.repo.ops_reports import Window
from storage.repo.ops_surveys import AnswerWrite


class OpsMixin:
    db: Database
    writer: Writer
    clock: Callable[[], float]
    keep_text: bool

    # -- job runs -----------------------------------------------------------------------------------
    async def claim_run(self, group_id: str, job: str, fire_time: float, uow: UnitOfWork) -> bool:
        """Record a scheduled run and commit its writes together; False when it already ran."""
        now = self.clock()
        return await self.db.write(lambda c: ops.claim_run(c, group_id, job, fire_time, uow.fns, now))

    async def run_done(self, group_id: str, job: str, fire_time: float) -> bool:
        return await self.db.read(lambda c: ops.run_done(c, group_id, job, fire_time))

    # -- settings -----------------------------------------------------------------------------------
    async def setting(self, group_id: str, key: str) -> tuple[str, str] | None:
        """(value, config value it overrides) of a per-group setting, None when unset."""
        return await self.db.read(lambda c: settings.get(c, group_id, key))

    async def setting_value(self, group_id: str, key: str) -> str | None:
        return await self.db.read(lambda c: settings.value(c, group_id, key))

    async def set_setting(self, group_id: str, key: str, value: str | None, config_value: str = "") -> None:
        """Set (None: remove) a per-group setting; ``config_value`` is the config value a chat change overrides."""
        now = self.clock()
        await self.writer.run(lambda c: settings.put(c, group_id, key, value, now, config_value))

    # -- points and check-ins -----------------------------------------------------------------------
    async def checkin_state(self, group_id: str, member_id: str, day: str, yesterday: str) -> CheckinState:
        return await self.db.read(lambda c: ops.checkin_state(c, group_id, member_id, day, yesterday))

    async def record_checkin(self, group_id: str, member_id: str, day: str, yesterday: str, at: float,
                             points: int, bonus_every: int, bonus: int) -> None:
        await self.writer.run(lambda c: ops.record_checkin(c, group_id, member_id, day, yesterday, at, points,
                                                           bonus_every, bonus))

    async def checkin_leaders(self, group_id: str, day: str, yesterday: str,
                              limit: int = 5) -> tuple[int, list[tuple[str, str, int]]]:
        return await self.db.read(lambda c: ops.checkin_leaders(c, group_id, day, yesterday, limit))

    async def checkin_stats(self, group_id: str, since_day: str, today: str,
                            yesterday: str) -> dict[str, tuple[int, int]]:
        """member → (check-ins since ``since_day``, current streak)."""
        return await self.db.read(lambda c: ops.checkin_stats(c, group_id, since_day, today, yesterday))

    async def checkin_members_between(self, group_id: str, first_day: str, last_day: str) -> int:
        return await self.db.read(lambda c: ops.checkin_members_between(c, group_id, first_day, last_day))

    async def points_leaders(self, group_id: str, limit: int = 10) -> list[tuple[str, str, int]]:
        return await self.db.read(lambda c: ops.points_leaders(c, group_id, limit))

    async def points_of(self, group_id: str, member_id: str) -> int:
        return await self.db.read(lambda c: ops.points_of(c, group_id, member_id))

    async def credit(self, group_id: str, member_id: str, reason: str, points: int) -> None:
        now = self.clock()
        await self.writer.run(lambda c: ops.credit(c, group_id, member_id, reason, points, now))

    # -- news and activities ------------------------------------------------------------------------
    async def add_news(self, group_id: str, text: str, added_by: str) -> None:
        now = self.clock()
        await self.writer.run(lambda c: ops.add_news(c, group_id, text, added_by, now))

    async def pending_news(self, group_id: str) -> list[tuple[int, str]]:
        return await self.db.read(lambda c: ops.pending_news(c, group_id))

    async def remove_news(self, group_id: str, item_id: int) -> None:
        await self.writer.run(lambda c: ops.remove_news(c, group_id, item_id))

    async def mark_news_sent(self, ids: Sequence[int]) -> None:
        """Sent news is never shown again: without ``store_text`` its text goes now, else with retention."""
        now, keep = self.clock(), self.keep_text
        await self.writer.run(lambda c: ops.mark_news_sent(c, ids, now, keep))

    async def add_activity(self, group_id: str, weekday: int, time: str, title: str, added_by: str) -> None:
        now = self.clock()
        await self.writer.run(lambda c: ops.add_activity(c, group_id, weekday, time, title, added_by, now))

    async def activities(self, group_id: str) -> list[tuple[int, int, str, str]]:
        return await self.db.read(lambda c: ops.activities(c, group_id))

    async def remove_activity(self, group_id: str, activity_id: int) -> None:
        await self.writer.run(lambda c: ops.remove_activity(c, group_id, activity_id))

    # -- surveys ------------------------------------------------------------------------------------
    async def start_survey(self, group_id: str, survey_id: str) -> None:
        now = self.clock()
        await self.writer.run(lambda c: ops_surveys.start_survey(c, group_id, survey_id, now))

    async def survey_started(self, group_id: str, survey_id: str) -> float | None:
        return await self.db.read(lambda c: ops_surveys.survey_started(c, group_id, survey_id))

    async def record_answers(self, group_id: str, survey_id: str, member_id: str,
                             answers: Sequence[AnswerWrite]) -> None:
        now = self.clock()
        await self.writer.run(lambda c: ops_surveys.record_answers(c, group_id, survey_id, member_id, answers, now))

    async def member_answers(self, group_id: str, survey_id: str, member_id: str) -> dict[str, str]:
        return await self.db.read(lambda c: ops_surveys.member_answers(c, group_id, survey_id, member_id))

    async def set_consent(self, group_id: str, survey_id: str, member_id: str, consent: bool) -> None:
        now = self.clock()
        await self.writer.run(lambda c: ops_surveys.set_consent(c, group_id, survey_id, member_id, consent, now))

    async def consent_of(self, group_id: str, survey_id: str, member_id: str) -> bool | None:
        return await self.db.read(lambda c: ops_surveys.consent_of(c, group_id, survey_id, member_id))

    async def survey_answers(self, group_id: str, survey_id: str) -> list[tuple[str, str, str]]:
        return await self.db.read(lambda c: ops_surveys.survey_answers(c, group_id, survey_id))

    async def current_members(self, group_id: str) -> list[str]:
        return await self.db.read(lambda c: ops_surveys.current_members(c, group_id))

    # -- questions and alerts -----------------------------------------------------------------------
    async def record_question(self, group_id: str, message_id: str, member_id: str, at: float,
                              excerpt: str | None) -> None:
        await self.writer.run(lambda c: ops_surveys.record_question(c, group_id, message_id, member_id, at, excerpt))

    async def answer_questions(self, group_id: str, by_member: str, at: float, reply_to: str | None,
                               mentioned: Sequence[str]) -> None:
        await self.writer.run(lambda c: ops_surveys.answer_questions(c, group_id, by_member, at, reply_to, mentioned))

    async def open_questions(self, group_id: str, older_than: float,
                             newer_than: float) -> list[tuple[str, str, str, float, str | None]]:
        return await self.db.read(lambda c: ops_surveys.open_questions(c, group_id, older_than, newer_than))

    async def claim_alert(self, group_id: str, kind: str, key: str, max_per_hour: int) -> bool:
        """Record an alert unless it was sent before or the hourly budget is spent (committed on return)."""
        now = self.clock()
        return await self.db.write(lambda c: ops_surveys.claim_alert(c, group_id, kind, key, now, max_per_hour))

    async def tag_hits_between(self, group_id: str, tags: Sequence[str], start: float, end: float) -> int:
        return await self.db.read(lambda c: ops_surveys.tag_hits_between(c, group_id, tags, start, end))

    # -- join requests ------------------------------------------------------------------------------
    async def upsert_join_request(self, group_id: str, member_id: str, request_id: str, name: str, at: float,
                                  status: str, via: str) -> None:
        await self.writer.run(lambda c: ops_surveys.upsert_join_request(c, group_id, member_id, request_id, name, at,
                                                                status, via))

    async def decide_join_request(self, group_id: str, member_id: str, status: str) -> None:
        now = self.clock()
        await self.writer.run(lambda c: ops_surveys.decide_join_request(c, group_id, member_id, status, now))

    async def join_requests(self, member_id: str | None = None, group_id: str | None = None,
                            statuses: Sequence[str] = ("pending", "held"),
                            ) -> list[tuple[str, str, str, str, float, str, str]]:
        return await self.db.read(lambda c: ops_surveys.join_requests(c, member_id, group_id, statuses))

    # -- report reads -------------------------------------------------------------------------------
    async def window(self, group_id: str, start: float, end: float) -> Window:
        return await self.db.read(lambda c: ops_reports.window(c, group_id, start, end))

    async def top_tags(self, group_id: str, start: float, end: float, limit: int = 5) -> list[tuple[str, int, int]]:
        return await self.db.read(lambda c: ops_reports.top_tags(c, group_id, start, end, limit))

    async def top_contributors(self, group_id: str, start: float, end: float,
                               limit: int = 5) -> list[tuple[str, str, int]]:
        return await self.db.read(lambda c: ops_reports.top_contributors(c, group_id, start, end, limit))

    async def top_helpers(self, group_id: str, start: float, end: float, limit: int = 5) -> list[tuple[str, str, int]]:
        return await self.db.read(lambda c: ops_reports.top_helpers(c, group_id, start, end, limit))

    async def group_hours(self, group_id: str) -> list[int]:
        return await self.db.read(lambda c: ops_reports.group_hours(c, group_id))

    async def tag_message_times(self, group_id: str, since: float,
                                tag: str | None = None) -> list[tuple[str, str, int]]:
        return await self.db.read(lambda c: ops_reports.tag_message_times(c, group_id, since, tag))


    async def tag_member(self, group_id: str, member_id: str, tag: str, category: str, source: str) -> None:
        now = self.clock()
        await self.writer.run(lambda c: ops_reports.tag_member(c, group_id, member_id, tag, category, source, now))
