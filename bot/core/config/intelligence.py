"""Config sections for member intelligence: ``[insights]``, ``[tiers]``, ``[activity_tags]``.

Parsed strictly like the rest of the config: wrong types and unknown keys raise ConfigError naming the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.core.config.schema import ConfigError, Section


@dataclass(frozen=True, slots=True)
class InsightsConfig:
    min_support: int = 5
    min_cell: int = 5
    persona_min_messages: int = 3
    notify_batch: int = 20
    notify_max_members: int = 200
    notify_cooldown_minutes: int = 60


@dataclass(frozen=True, slots=True)
class TiersConfig:
    recency_weight: float = 0.3
    frequency_weight: float = 0.4
    contribution_weight: float = 0.3
    frequency_days: int = 15
    contribution_cap: int = 10
    core: float = 0.7
    high: float = 0.5
    growth: float = 0.25


@dataclass(frozen=True, slots=True)
class ActivityTagsConfig:
    window_days: int = 30
    min_messages: int = 5
    night_hours: tuple[int, ...] = (23, 0, 1, 2, 3, 4)
    night_share: float = 0.3
    early_hours: tuple[int, ...] = (5, 6, 7)
    early_share: float = 0.3
    top_talker_share: float = 0.1
    lurker_days: int = 14
    lurker_max_messages: int = 1
    asker_min_questions: int = 3
    helper_min_answers: int = 3
    sharer_min_links: int = 3
    node_min_distinct: int = 5
    seed_first: int = 10
    inviter_min_stayed: int = 3
    checkin_min_streak: int = 7


def _share(s: Section, key: str, default: float) -> float:
    v = s.number(key, default, 0.0)
    if v > 1.0:
        raise ConfigError(f"{s.where}.{key}: must be between 0 and 1")
    return v


def _hours(s: Section, key: str, default: tuple[int, ...]) -> tuple[int, ...]:
    v = s.raw_value(key, list(default))
    if not isinstance(v, list) or not all(isinstance(h, int) and not isinstance(h, bool) and 0 <= h <= 23
                                          for h in v):
        raise ConfigError(f"{s.where}.{key}: must be a list of hours 0-23")
    return tuple(v)


def parse_insights(raw: Mapping[str, Any]) -> InsightsConfig:
    s = Section(raw, "insights")
    out = InsightsConfig(min_support=s.integer("min_support", 5, 1, 10**6),
                         min_cell=s.integer("min_cell", 5, 1, 10**6),
                         persona_min_messages=s.integer("persona_min_messages", 3, 0, 10**6),
                         notify_batch=s.integer("notify_batch", 20, 1, 100),
                         notify_max_members=s.integer("notify_max_members", 200, 1, 10**5),
                         notify_cooldown_minutes=s.integer("notify_cooldown_minutes", 60, 0, 10**5))
    s.done()
    return out


def parse_tiers(raw: Mapping[str, Any]) -> TiersConfig:
    s = Section(raw, "tiers")
    out = TiersConfig(recency_weight=s.number("recency_weight", 0.3, 0.0),
                      frequency_weight=s.number("frequency_weight", 0.4, 0.0),
                      contribution_weight=s.number("contribution_weight", 0.3, 0.0),
                      frequency_days=s.integer("frequency_days", 15, 1, 30),
                      contribution_cap=s.integer("contribution_cap", 10, 1, 10**6),
                      core=_share(s, "core", 0.7), high=_share(s, "high", 0.5), growth=_share(s, "growth", 0.25))
    s.done()
    if out.recency_weight + out.frequency_weight + out.contribution_weight <= 0:
        raise ConfigError("tiers.recency_weight: the three weights must not all be 0")
    if not out.core >= out.high >= out.growth:
        raise ConfigError("tiers.high: thresholds must satisfy core >= high >= growth")
    return out


def parse_activity_tags(raw: Mapping[str, Any]) -> ActivityTagsConfig:
    s = Section(raw, "activity_tags")
    d = ActivityTagsConfig()
    out = ActivityTagsConfig(
        window_days=s.integer("window_days", d.window_days, 1, 120),
        min_messages=s.integer("min_messages", d.min_messages, 1, 10**6),
        night_hours=_hours(s, "night_hours", d.night_hours), night_share=_share(s, "night_share", d.night_share),
        early_hours=_hours(s, "early_hours", d.early_hours), early_share=_share(s, "early_share", d.early_share),
        top_talker_share=_share(s, "top_talker_share", d.top_talker_share),
        lurker_days=s.integer("lurker_days", d.lurker_days, 1, 3650),
        lurker_max_messages=s.integer("lurker_max_messages", d.lurker_max_messages, 0, 10**6),
        asker_min_questions=s.integer("asker_min_questions", d.asker_min_questions, 1, 10**6),
        helper_min_answers=s.integer("helper_min_answers", d.helper_min_answers, 1, 10**6),
        sharer_min_links=s.integer("sharer_min_links", d.sharer_min_links, 1, 10**6),
        node_min_distinct=s.integer("node_min_distinct", d.node_min_distinct, 1, 10**6),
        seed_first=s.integer("seed_first", d.seed_first, 1, 10**6),
        inviter_min_stayed=s.integer("inviter_min_stayed", d.inviter_min_stayed, 1, 10**6),
        checkin_min_streak=s.integer("checkin_min_streak", d.checkin_min_streak, 1, 10**6))
    s.done()
    return out
