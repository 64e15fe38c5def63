"""SQLModel tables. Times are unix seconds (UTC) as floats; local days are ISO dates in the group's zone.

Only ``storage/`` imports these. Schema changes go through alembic migrations in
``storage/migrations/versions`` (never ``create_all``).
"""

from storage.models.console import ConsoleLoginToken, ConsoleSession
from storage.models.core import (
    AdapterState,
    AuditEntry,
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
from storage.models.moderation import CaptchaPending, ModerationEntry
from storage.models.people import LinkCode, PersonLink
from storage.models.personas import PersonaRow
from storage.models.privacy import DoNotProfile, PendingErasure
from storage.models.profiling import (
    LifecycleTransition,
    MemberState,
    MessageSignal,
    SavedSegment,
)
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
    "CaptchaPending",
    "Checkin",
    "ConsoleLoginToken",
    "ConsoleSession",
    "DeadLetter",
    "DedupeKey",
    "DoNotProfile",
    "Group",
    "GroupAlias",
    "GroupSetting",
    "InboxRow",
    "JobRun",
    "JoinRequestRow",
    "LifecycleTransition",
    "LinkCode",
    "Member",
    "MemberAttribute",
    "MemberDay",
    "MemberHour",
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
    "Question",
    "SavedSegment",
    "SurveyAnswer",
    "SurveyConsent",
    "SurveyRun",
    "TagHit",
    "TagRejection",
]
