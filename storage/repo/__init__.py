"""The repo: one feature store per attribute, each behind a typed Protocol; the only way the rest of quntag
touches the database.

``repo.surveys.record_answers(...)``, ``repo.checkins.credit(...)``: callers depend on the Protocols
(``storage.repo.stores.*``), never on SQL. A repo is bound to one transaction mode (see
``storage.repo.transactions``): immediate by default (jobs' gathering, CLI, API, console), or an event's
unit of work through :meth:`Repo.bound`, whose writes commit with the event and whose reads see them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import cached_property
from typing import TypeVar

from storage.db import Database
from storage.repo.activity import MessageFacts
from storage.repo.answers import AnswerMeasures, Faq
from storage.repo.checkins import CheckinState
from storage.repo.commerce import ItemWrite, OrderFacts, OrderWrite
from storage.repo.derived import DerivedState, DerivedTag, Transition
from storage.repo.feeds import CachedEntry, FetchState
from storage.repo.highlights import Highlight
from storage.repo.intake import Delivery, Pending
from storage.repo.member_tags import TagDetail
from storage.repo.moderation import Captcha, ModEntry
from storage.repo.outbox_rows import OutboxItem
from storage.repo.personas import StoredPersona
from storage.repo.profiles import Attribute, MemberFacts, ScoreWant
from storage.repo.report_reads import Window
from storage.repo.roster import RosterRow
from storage.repo.scores import TagScore
from storage.repo.settings import FINGERPRINT, TIER_WEIGHTS
from storage.repo.signals import Signal
from storage.repo.stores.activity import ActivityStore, SqlActivityStore
from storage.repo.stores.answers import AnswerStore, SqlAnswerStore
from storage.repo.stores.broadcasts import BroadcastStore, SqlBroadcastStore
from storage.repo.stores.checkins import CheckinStore, SqlCheckinStore
from storage.repo.stores.commerce import CommerceStore, SqlCommerceStore
from storage.repo.stores.console import ConsoleStore, SqlConsoleStore
from storage.repo.stores.delivery import DeliveryStore, SqlDeliveryStore
from storage.repo.stores.feeds import FeedStore, SqlFeedStore
from storage.repo.stores.highlights import HighlightStore, SqlHighlightStore
from storage.repo.stores.intake import IntakeStore, SqlIntakeStore
from storage.repo.stores.join_requests import JoinRequestStore, SqlJoinRequestStore
from storage.repo.stores.members import MemberStore, SqlMemberStore
from storage.repo.stores.moderation import ModerationStore, SqlModerationStore
from storage.repo.stores.news import NewsStore, SqlNewsStore
from storage.repo.stores.people import PeopleStore, SqlPeopleStore
from storage.repo.stores.personas import PersonaStore, SqlPersonaStore
from storage.repo.stores.privacy import PrivacyStore, SqlPrivacyStore
from storage.repo.stores.profiles import ProfileStore, SqlProfileStore
from storage.repo.stores.pushes import PushStore, SqlPushStore
from storage.repo.stores.questions import QuestionStore, SqlQuestionStore
from storage.repo.stores.reports import ReportStore, SqlReportStore
from storage.repo.stores.settings import SettingStore, SqlSettingStore
from storage.repo.stores.sql import SqlStore
from storage.repo.stores.survey_reach import ReachStore, SqlReachStore
from storage.repo.stores.surveys import SqlSurveyStore, SurveyStore
from storage.repo.stores.tags import SqlTagStore, TagStore
from storage.repo.survey_reach import Redemption, Unanswered
from storage.repo.surveys import AnswerWrite
from storage.repo.transactions import Immediate, UnitOfWork, Writer

S = TypeVar("S", bound=SqlStore)

__all__ = [
    "FINGERPRINT",
    "TIER_WEIGHTS",
    "AnswerMeasures",
    "AnswerWrite",
    "Attribute",
    "CachedEntry",
    "Captcha",
    "CheckinState",
    "Delivery",
    "DerivedState",
    "DerivedTag",
    "Faq",
    "FetchState",
    "Highlight",
    "Immediate",
    "ItemWrite",
    "MemberFacts",
    "MessageFacts",
    "ModEntry",
    "OrderFacts",
    "OrderWrite",
    "OutboxItem",
    "Pending",
    "Redemption",
    "Repo",
    "RosterRow",
    "ScoreWant",
    "Signal",
    "StoredPersona",
    "TagDetail",
    "TagScore",
    "Transition",
    "Unanswered",
    "UnitOfWork",
    "Window",
]


class Repo:
    """Every feature store over one :class:`Database`, bound to one transaction mode. Stores are built on
    first use, so binding a repo to an event costs nothing for the stores the event never touches."""

    def __init__(self, db: Database, writer: Writer | None = None,
                 clock: Callable[[], float] = time.time, keep_text: bool = True) -> None:
        self.db = db
        self.writer: Writer = writer or Immediate(db)
        self.clock = clock
        self.keep_text = keep_text  # [storage] store_text: whether member text may be kept at all

    def bound(self, uow: UnitOfWork) -> Repo:
        """The same repo in event-atomic mode: its writes are collected in ``uow``, its reads see them."""
        return Repo(self.db, uow, self.clock, self.keep_text)

    def _store(self, kind: type[S]) -> S:
        return kind(self.db, self.writer, self.clock, self.keep_text)

    @cached_property
    def activity(self) -> ActivityStore:
        return self._store(SqlActivityStore)

    @cached_property
    def members(self) -> MemberStore:
        return self._store(SqlMemberStore)

    @cached_property
    def tags(self) -> TagStore:
        return self._store(SqlTagStore)

    @cached_property
    def profiles(self) -> ProfileStore:
        return self._store(SqlProfileStore)

    @cached_property
    def surveys(self) -> SurveyStore:
        return self._store(SqlSurveyStore)

    @cached_property
    def reach(self) -> ReachStore:
        return self._store(SqlReachStore)

    @cached_property
    def checkins(self) -> CheckinStore:
        return self._store(SqlCheckinStore)

    @cached_property
    def news(self) -> NewsStore:
        return self._store(SqlNewsStore)

    @cached_property
    def highlights(self) -> HighlightStore:
        return self._store(SqlHighlightStore)

    @cached_property
    def feeds(self) -> FeedStore:
        return self._store(SqlFeedStore)

    @cached_property
    def reports(self) -> ReportStore:
        return self._store(SqlReportStore)

    @cached_property
    def questions(self) -> QuestionStore:
        return self._store(SqlQuestionStore)

    @cached_property
    def joins(self) -> JoinRequestStore:
        return self._store(SqlJoinRequestStore)

    @cached_property
    def settings(self) -> SettingStore:
        return self._store(SqlSettingStore)

    @cached_property
    def privacy(self) -> PrivacyStore:
        return self._store(SqlPrivacyStore)

    @cached_property
    def moderation(self) -> ModerationStore:
        return self._store(SqlModerationStore)

    @cached_property
    def answers(self) -> AnswerStore:
        return self._store(SqlAnswerStore)

    @cached_property
    def delivery(self) -> DeliveryStore:
        return self._store(SqlDeliveryStore)

    @cached_property
    def personas(self) -> PersonaStore:
        return self._store(SqlPersonaStore)

    @cached_property
    def people(self) -> PeopleStore:
        return self._store(SqlPeopleStore)

    @cached_property
    def intake(self) -> IntakeStore:
        return self._store(SqlIntakeStore)

    @cached_property
    def commerce(self) -> CommerceStore:
        return self._store(SqlCommerceStore)

    @cached_property
    def broadcasts(self) -> BroadcastStore:
        return self._store(SqlBroadcastStore)

    @cached_property
    def pushes(self) -> PushStore:
        return self._store(SqlPushStore)

    @cached_property
    def console(self) -> ConsoleStore:
        return SqlConsoleStore(self.db)

    async def ping(self) -> bool:
        """True when a trivial read succeeds and the writer's last batch committed."""
        from sqlalchemy import text

        try:
            await self.db.read(lambda c: c.execute(text("SELECT 1")).scalar())
        except Exception:
            return False
        return self.db.healthy
