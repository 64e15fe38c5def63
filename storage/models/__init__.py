"""SQLModel tables. Times are unix seconds (UTC) as floats; local days are ISO dates in the group's zone.

Only ``storage/`` imports these. Schema changes go through alembic migrations in
``storage/migrations/versions`` (never ``create_all``).
"""

from storage.models.answers import FaqEntry, FaqHit, RoutingOptOut
from storage.models.broadcasts import BotPost, BroadcastDelivery, BroadcastOptout, BroadcastRow, MemberReaction
from storage.models.commerce import PurchaseItem, PurchaseOrder, PurchaseRefund
from storage.models.console import ConsoleLoginToken, ConsoleSession
from storage.models.core import (
    AdapterState,
    AuditEntry,
    ChatPace,
    DeadLetter,
    DedupeKey,
    Group,
    GroupAlias,
    InboxRow,
    JobRun,
    Member,
    MemberAttribute,
    MemberDay,
    MemberHour,
    MembershipEvent,
    MemberTag,
    MessageRow,
    OutboxRow,
    TagHit,
    TagRejection,
)
from storage.models.feeds import FeedEntry, FeedState
from storage.models.moderation import CaptchaPending, ModerationEntry
from storage.models.people import LinkCode, PersonLink
from storage.models.personas import InsightRun, PersonaRow
from storage.models.privacy import DataExportLink, DoNotProfile, PendingErasure
from storage.models.profiling import (
    LifecycleTransition,
    MemberState,
    MessageSignal,
    SavedSegment,
)
from storage.models.reach import RewardRedemption, SentPoll, SurveyDelivery
from storage.models.rollups import GroupDayHour, StageDay
from storage.models.routines import (
    Activity,
    AlertSent,
    Checkin,
    GroupSetting,
    JoinRequestRow,
    NewsItem,
    PointsEntry,
    Question,
    SurveyAnswer,
    SurveyConsent,
    SurveyRun,
)

__all__ = [
    "Activity",
    "AdapterState",
    "AlertSent",
    "AuditEntry",
    "BotPost",
    "BroadcastDelivery",
    "BroadcastOptout",
    "BroadcastRow",
    "CaptchaPending",
    "ChatPace",
    "Checkin",
    "ConsoleLoginToken",
    "ConsoleSession",
    "DataExportLink",
    "DeadLetter",
    "DedupeKey",
    "DoNotProfile",
    "FaqEntry",
    "FaqHit",
    "FeedEntry",
    "FeedState",
    "Group",
    "GroupAlias",
    "GroupDayHour",
    "GroupSetting",
    "InboxRow",
    "InsightRun",
    "JobRun",
    "JoinRequestRow",
    "LifecycleTransition",
    "LinkCode",
    "Member",
    "MemberAttribute",
    "MemberDay",
    "MemberHour",
    "MemberReaction",
    "MemberState",
    "MemberTag",
    "MembershipEvent",
    "MessageRow",
    "MessageSignal",
    "ModerationEntry",
    "NewsItem",
    "OutboxRow",
    "PendingErasure",
    "PersonLink",
    "PersonaRow",
    "PointsEntry",
    "PurchaseItem",
    "PurchaseOrder",
    "PurchaseRefund",
    "Question",
    "RewardRedemption",
    "RoutingOptOut",
    "SavedSegment",
    "SentPoll",
    "StageDay",
    "SurveyAnswer",
    "SurveyConsent",
    "SurveyDelivery",
    "SurveyRun",
    "TagHit",
    "TagRejection",
]
