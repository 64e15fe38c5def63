"""Group settings an operator edits in the console (or in chat), kept in the database over the config file.

The TOML stays the starting point. An edit stores the new value together with the config value it overrides
(``group_settings.config_value``); while the config file still says that, the stored value wins; once the
file's value is edited, the file wins again (contract §3, the rule chat schedule changes already follow).
Schedules keep their own keys (``schedule:<job>``, :mod:`bot.core.jobs`); this module holds the rest.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.core.config import Config, GroupConfig
from bot.core.config.types import CheckinConfig
from bot.core.jobs import ScheduledJob, schedule_key
from storage.repo import Repo

CHECKIN_POINTS = "console:checkin.points"
CHECKIN_BONUS = "console:checkin.weekly_bonus"
DIGEST_TO = "console:digest_recipients"


@dataclass(frozen=True, slots=True)
class Value:
    """One effective setting: its value as text and where it came from (``config`` | ``database``)."""

    value: str
    source: str


async def stored(repo: Repo, group_id: str, key: str, config_value: str) -> Value:
    """The database's value while the config still says ``config_value``, else the config's."""
    found = await repo.settings.setting(group_id, key)
    if found is not None and found[1] == config_value:
        return Value(found[0], "database")
    return Value(config_value, "config")


async def save(repo: Repo, group_id: str, key: str, value: str | None, config_value: str) -> None:
    """Keep ``value`` over the config's ``config_value`` (None: back to the config)."""
    await repo.settings.set_setting(group_id, key, value, config_value)


def recipients_value(members: list[str] | tuple[str, ...]) -> str:
    """How a list of digest recipients is stored."""
    return json.dumps(list(members), ensure_ascii=False)


def recipients_in_config(group: GroupConfig) -> str:
    return recipients_value(group.admins)


async def checkin(repo: Repo, cfg: Config, group_id: str) -> CheckinConfig:
    """Check-in points and the weekly streak bonus in effect for the group."""
    base = cfg.checkin
    points = await stored(repo, group_id, CHECKIN_POINTS, str(base.points))
    bonus = await stored(repo, group_id, CHECKIN_BONUS, str(base.weekly_bonus))
    return replace(base, points=int(points.value), weekly_bonus=int(bonus.value))


async def digest_recipients(repo: Repo, group: GroupConfig) -> tuple[str, ...]:
    """Who gets the weekly digest privately: the group's admins, or the list an operator saved."""
    v = await stored(repo, group.id, DIGEST_TO, recipients_in_config(group))
    return tuple(str(m) for m in json.loads(v.value))


async def schedule_of(repo: Repo, cfg: Config, group: GroupConfig, job: ScheduledJob) -> Value:
    """A job's schedule and its source (``database`` | ``config`` | ``automatic`` | ``off``), read without side
    effects (the automatic time is the one last computed, or the job's fixed default)."""
    configured = job.configured_in(cfg, group)
    found = await repo.settings.setting(group.id, schedule_key(job.name))
    if found is not None and found[1] == configured:
        return Value(found[0], "off" if found[0] == "off" else "database")
    if configured:
        return Value(configured, "off" if configured == "off" else "config")
    if isinstance(job.default, str):
        return Value(job.default or "off", "automatic" if job.default else "off")
    auto = await repo.settings.setting(group.id, "auto:push_time")
    return Value(auto[0] if auto else "?", "automatic")


async def effective(repo: Repo, cfg: Config, group: GroupConfig,
                    jobs: Sequence[ScheduledJob]) -> list[tuple[str, Value]]:
    """Every setting of a group the console can change or shows, with the value in effect and its source."""
    out = [("name", Value(group.name, "config")), ("timezone", Value(group.timezone, "config")),
           ("locale", Value(group.locale, "config")),
           ("admins", Value(" ".join(group.admins + cfg.defaults.admins), "config")),
           ("welcome", Value("true" if group.welcome else "false", "config")),
           ("onboarding_survey", Value(group.onboarding_survey, "config")),
           ("admin_replies", Value(group.admin_replies, "config"))]
    for job in jobs:
        out.append((f"schedule.{job.name}", await schedule_of(repo, cfg, group, job)))
    points = await stored(repo, group.id, CHECKIN_POINTS, str(cfg.checkin.points))
    bonus = await stored(repo, group.id, CHECKIN_BONUS, str(cfg.checkin.weekly_bonus))
    to = await stored(repo, group.id, DIGEST_TO, recipients_in_config(group))
    out += [("checkin.points", points), ("checkin.weekly_bonus", bonus),
            ("digest_recipients", Value(" ".join(json.loads(to.value)), to.source))]
    return out
