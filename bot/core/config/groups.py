"""A group's settings: ``[defaults]`` and each ``[[groups]]`` table, the latter over the former key by key."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.config.adapters import group_adapter_options
from bot.core.config.content import SourceConfig, parse_sources, parse_topics
from bot.core.config.moderation import parse_moderation
from bot.core.config.options import AdapterOptions
from bot.core.config.qa import parse_qa
from bot.core.config.rewards import parse_rewards
from bot.core.config.schema import ConfigError, Section
from bot.core.config.types import AdapterConfig, GateConfig, GroupConfig


def timezone(value: str, key: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{key}: unknown timezone {value!r}") from None
    return value


def parse_group(raw: Any, key: str, base: GroupConfig, need_id: bool, adapters: Mapping[str, AdapterConfig],
           declared: Mapping[str, AdapterOptions], schedule_keys: Collection[str], base_dir: Path) -> GroupConfig:
    s = Section(raw, key)
    gid = s.text("id") if need_id else "*"
    g = GroupConfig(
        id=gid,
        name=s.text("name", ""),
        timezone=timezone(s.text("timezone", base.timezone), f"{key}.timezone"),
        locale=s.choice("locale", ("zh-CN", "en"), base.locale),
        admins=tuple(s.strings("admins", list(base.admins))),
        schedules={k: _schedule(s.text(k, ""), f"{key}.{k}") for k in schedule_keys},
        onboarding_survey=s.text("onboarding_survey", base.onboarding_survey),
        welcome=s.flag("welcome", base.welcome),
        gate=_gate(s.table("gate"), f"{key}.gate") if "gate" in s.raw else None,
        admin_replies=s.choice("admin_replies", ("private", "group"), base.admin_replies),
        morning_auto_window=_window(s.text("morning_auto_window", ""), f"{key}.morning_auto_window",
                                    base.morning_auto_window),
        adapter_options=group_adapter_options(s, gid, adapters, declared),
        moderation=parse_moderation(s.table("moderation"), f"{key}.moderation", base.moderation, base_dir),
        sources=_merged(base.sources, parse_sources(s.array("sources"), f"{key}.sources", base_dir)),
        topics=parse_topics(s, base.topics),
        qa=parse_qa(s.table("qa"), f"{key}.qa", base.qa),
        rewards=parse_rewards(s, key, base.rewards),
    )
    s.done()
    return g


def _merged(base: tuple[SourceConfig, ...], own: tuple[SourceConfig, ...]) -> tuple[SourceConfig, ...]:
    """``[[defaults.sources]]`` serve every group; a group's own come after them (a repeated one once)."""
    keys = {s.key for s in base}
    return base + tuple(s for s in own if s.key not in keys)


def _schedule(value: str, key: str) -> str:
    """A schedule string (contract §3), "" (automatic) or "off"; validated here so serve never fails later."""
    from bot.core.scheduler import ScheduleError, parse_schedule

    if value.strip() in ("", "off"):
        return value.strip()
    try:
        parse_schedule(value)
    except ScheduleError as exc:
        raise ConfigError(f"{key}: {exc}") from None
    return value


def _window(value: str, key: str, base: tuple[int, int]) -> tuple[int, int]:
    """``"07:00-10:00"`` → minutes of the day (start, end); "" keeps ``base``. A window may cross midnight."""
    from bot.core.scheduler import ScheduleError, parse_hhmm

    if not value.strip():
        return base
    start, sep, end = value.replace("–", "-").partition("-")
    try:
        if not sep:
            raise ScheduleError(value)
        (h1, m1), (h2, m2) = parse_hhmm(start.strip()), parse_hhmm(end.strip())
    except ScheduleError:
        raise ConfigError(f"{key}: expected a window like \"07:00-10:00\", got {value!r}") from None
    return h1 * 60 + m1, h2 * 60 + m2


def _gate(raw: Any, key: str) -> GateConfig:
    s = Section(raw, key)
    g = GateConfig(keyword=s.text("keyword"), question=s.text("question", ""),
                   timeout_minutes=s.integer("timeout_minutes", 60, 1, 7 * 24 * 60),
                   otherwise=s.choice("otherwise", ("hold", "decline"), "hold"))
    s.done()
    if not g.keyword.strip():
        raise ConfigError(f"{key}.keyword: must not be empty")
    return g


def known_adapter(group_id: str, key: str, adapters: Mapping[str, AdapterConfig]) -> None:
    """A listed group must live on a configured adapter: otherwise its settings never apply (a typo in
    the id, or a removed ``[adapters.<name>]``)."""
    name, _, platform_id = group_id.partition(":")
    if name in adapters:
        return
    close = difflib.get_close_matches(name, sorted(adapters), n=1)
    hint = f"did you mean {close[0]}:{platform_id}?" if close else f"add [adapters.{name}] or correct the id"
    raise ConfigError(f"{key}: no adapter named {name!r} is configured ({hint})")
