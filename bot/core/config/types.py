"""Config dataclasses: the typed, frozen shape of a quntag config (parsed by ``bot.config``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.core.config.content import DEFAULT_TOPICS, SourceConfig
from bot.core.config.intelligence import ActivityTagsConfig, InsightsConfig, TiersConfig
from bot.core.config.moderation import ModerationConfig
from bot.core.config.qa import QaConfig
from bot.core.config.rewards import RewardConfig
from bot.core.config.rules import RuleBook, TagRule
from bot.core.config.schema import SurveyConfig
from bot.core.events import Event, Message, PollAnswer
from bot.core.purchases import Purchase, Refund

PLACEHOLDER = "CHANGE-ME"


def unset_secret(value: str) -> bool:
    """An empty (or blank) secret or the ``CHANGE-ME`` placeholder: it must never authenticate anyone."""
    return value.strip() in ("", PLACEHOLDER)


@dataclass(frozen=True, slots=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    api_token: str = PLACEHOLDER
    metrics_token: str = ""
    only_listed_groups: bool = False
    max_body_bytes: int = 1024 * 1024
    max_in_flight: int = 256
    overload_wait_s: float = 5.0
    request_timeout_s: float = 10.0
    idle_timeout_s: float = 15.0
    max_connections_per_client: int = 128
    member_commands_per_minute: int = 10
    admin_commands_per_minute: int = 60
    public_url: str = ""  # where operators reach the console; "" = http://host:port
    workers: int = 1  # web processes sharing the port; > 1: processing runs in processes of its own
    processors: int = 1  # with workers > 1: processing processes, each with a share of the groups


@dataclass(frozen=True, slots=True)
class ConsoleConfig:
    session_hours: int = 12  # how long a console login lasts


@dataclass(frozen=True, slots=True)
class StorageConfig:
    url: str = "sqlite:///quntag.db"
    sync: str = "normal"
    store_text: bool = False
    text_retention_days: int = 30


@dataclass(frozen=True, slots=True)
class TaggingConfig:
    half_life_days: float = 30.0
    min_score: float = 1.0
    # [tagging.visibility]: category → public | admins (over the shipped defaults, see bot.domain.tag_visibility)
    visibility: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LifecycleConfig:
    new_days: int = 7
    dormant_days: int = 30


@dataclass(frozen=True, slots=True)
class AdapterConfig:
    """One ``[adapters.<name>]`` instance: its ``type`` and its options as that type declared them."""

    name: str
    type: str
    options: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class GroupConfig:
    id: str
    name: str = ""
    timezone: str = "Asia/Shanghai"
    locale: str = "zh-CN"
    admins: tuple[str, ...] = ()
    # schedules of the declared group jobs, by config key (e.g. morning_report = "08:00"); "" = automatic
    schedules: Mapping[str, str] = field(default_factory=dict)
    onboarding_survey: str = ""
    welcome: bool = True
    gate: GateConfig | None = None
    admin_replies: str = "private"  # private | group: where admin lookups of member data are answered
    # the automatic morning-report time stays inside this window (minutes of the local day, both ends included)
    morning_auto_window: tuple[int, int] = (7 * 60, 10 * 60)
    # options of the group's adapter ([groups.adapter]), opaque here: the adapter type declares and reads them
    adapter_options: Mapping[str, Any] = field(default_factory=dict)
    # [groups.moderation] over [defaults.moderation], key by key
    moderation: ModerationConfig = field(default_factory=ModerationConfig)
    # morning-report content: [[defaults.sources]] plus the group's own [[groups.sources]]; the 今日话题 list
    sources: tuple[SourceConfig, ...] = ()
    topics: tuple[str, ...] = DEFAULT_TOPICS
    # [groups.qa] over [defaults.qa], key by key: FAQ answers and question routing
    qa: QaConfig = field(default_factory=QaConfig)
    # what members can spend points on (/兑换); [[groups.rewards]] replace [[defaults.rewards]] as a whole
    rewards: tuple[RewardConfig, ...] = ()


@dataclass(frozen=True, slots=True)
class GateConfig:
    """The entry threshold of one group (``[groups.gate]``)."""

    keyword: str
    question: str = ""
    timeout_minutes: int = 60
    otherwise: str = "hold"  # hold (for an admin) | decline


@dataclass(frozen=True, slots=True)
class SchedulerConfig:
    grace_minutes: int = 60


@dataclass(frozen=True, slots=True)
class AlertsConfig:
    unanswered_minutes: int = 30
    complaint_tags: tuple[str, ...] = ("投诉",)
    complaint_burst: int = 3
    complaint_window_minutes: int = 60
    max_per_hour: int = 6


@dataclass(frozen=True, slots=True)
class CheckinConfig:
    points: int = 1
    weekly_bonus: int = 5


@dataclass(frozen=True, slots=True)
class OutboxConfig:
    max_queued_per_chat: int = 100  # beyond: consecutive texts merged, then the oldest dropped


@dataclass(frozen=True, slots=True)
class BroadcastsConfig:
    """``[broadcasts]``: ``max_per_week`` broadcasts reach one member at most in any seven days (0 = no cap)."""

    max_per_week: int = 3


@dataclass(frozen=True, slots=True)
class Config:
    server: ServerConfig = field(default_factory=ServerConfig)
    storage: StorageConfig = field(default_factory=StorageConfig)
    defaults: GroupConfig = field(default_factory=lambda: GroupConfig(id="*"))
    tagging: TaggingConfig = field(default_factory=TaggingConfig)
    lifecycle: LifecycleConfig = field(default_factory=LifecycleConfig)
    tags: tuple[TagRule, ...] = ()  # the config file's [[tags]]; ``rules`` holds the ones in effect
    adapters: Mapping[str, AdapterConfig] = field(default_factory=dict)
    groups: Mapping[str, GroupConfig] = field(default_factory=dict)
    surveys: tuple[SurveyConfig, ...] = ()
    insights: InsightsConfig = field(default_factory=InsightsConfig)
    tiers: TiersConfig = field(default_factory=TiersConfig)
    activity_tags: ActivityTagsConfig = field(default_factory=ActivityTagsConfig)
    scheduler: SchedulerConfig = field(default_factory=SchedulerConfig)
    alerts: AlertsConfig = field(default_factory=AlertsConfig)
    checkin: CheckinConfig = field(default_factory=CheckinConfig)
    outbox: OutboxConfig = field(default_factory=OutboxConfig)
    console: ConsoleConfig = field(default_factory=ConsoleConfig)
    base_dir: Path = field(default_factory=Path.cwd)
    broadcasts: BroadcastsConfig = field(default_factory=BroadcastsConfig)
    # The tag rules in effect (the file's, changed from the console): shared by every copy of this config.
    rules: RuleBook = field(default_factory=RuleBook, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.rules.set_base(self.tags)

    def group(self, group_id: str) -> GroupConfig | None:
        """Settings for a group: its ``[[groups]]`` entry, else ``[defaults]`` unless only-listed."""
        g = self.groups.get(group_id)
        if g is not None:
            return g
        if self.server.only_listed_groups:
            return None
        return GroupConfig(id=group_id, timezone=self.defaults.timezone, locale=self.defaults.locale,
                           admins=self.defaults.admins, welcome=self.defaults.welcome,
                           onboarding_survey=self.defaults.onboarding_survey,
                           admin_replies=self.defaults.admin_replies,
                           morning_auto_window=self.defaults.morning_auto_window, moderation=self.defaults.moderation,
                           sources=self.defaults.sources, topics=self.defaults.topics, qa=self.defaults.qa,
                           rewards=self.defaults.rewards)

    def admits(self, event: Event) -> bool:
        """Intake keeps ``event`` unless ``only_listed_groups`` drops it. A private chat with the bot (a
        gate answer, a command, a survey answer) belongs to no group, so the group listing never filters
        it; a group's events need settings for that group (listed, or defaults when not only-listed)."""
        if isinstance(event, Message) and event.is_private:
            return True
        if isinstance(event, PollAnswer):
            return True  # a vote in a poll we sent: its group is known from the poll, not the event
        if isinstance(event, Purchase | Refund) and not event.chat.chat_id:
            return True  # a purchase naming no group counts in the member's groups: admitted there
        return self.group(event.chat.id) is not None

    def survey(self, survey_id: str) -> SurveyConfig | None:
        return next((s for s in self.surveys if s.id == survey_id), None)

    def public_url(self) -> str:
        """Where the server is reached from outside: ``server.public_url``, else ``http://host:port``."""
        return self.server.public_url or f"http://{self.server.host}:{self.server.port}"

    def timezone_of(self, group_id: str) -> str:
        """The zone a group's local days and hours are counted in: its ``[[groups]]`` entry, else
        ``[defaults]`` (also for a group left out by ``only_listed_groups``, whose stored facts still have days)."""
        g = self.groups.get(group_id)
        return g.timezone if g is not None else self.defaults.timezone

    def database_url(self) -> str:
        """``storage.url`` with a relative SQLite path resolved against the config file's folder, and
        ``postgresql://`` spelled with its driver (psycopg 3, the one installed)."""
        url = self.storage.url
        if url.startswith("postgresql://"):
            return "postgresql+psycopg://" + url[len("postgresql://"):]
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and url != prefix + ":memory:":
            return prefix + str((self.base_dir / url[len(prefix):]).resolve())
        return url
