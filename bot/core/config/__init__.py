"""Config: one documented TOML file → frozen dataclasses (contract §3).

Every problem raises :class:`ConfigError` whose message is one line naming the key. Secrets may come
from the environment: ``QUNTAG_API_TOKEN`` for ``server.api_token``, ``QUNTAG_METRICS_TOKEN`` for
``server.metrics_token``, ``QUNTAG_STORAGE_URL`` for ``storage.url`` (a PostgreSQL URL carries a password)
and ``QUNTAG_ADAPTER_<NAME>_<KEY>`` for each secret an adapter type declares (name upper-cased, ``-`` → ``_``).
Adapter options are checked against the declarations the faces hand in (``adapters``), so this package knows
no platform.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from bot.core.config.adapters import parse_adapters
from bot.core.config.adapters import secret_problems as secret_problems
from bot.core.config.adapters import send_problems as send_problems
from bot.core.config.content import VISIBILITIES, SourceConfig, parse_visibility
from bot.core.config.groups import known_adapter, parse_group
from bot.core.config.intelligence import (
    ActivityTagsConfig,
    InsightsConfig,
    TiersConfig,
    parse_activity_tags,
    parse_insights,
    parse_tiers,
)
from bot.core.config.moderation import ModerationConfig
from bot.core.config.options import AdapterOptions
from bot.core.config.rules import RuleBook, RuleOverride, TagRule, rule_problem
from bot.core.config.schema import ConfigError, Section, SurveyConfig, parse_surveys
from bot.core.config.server import parse_console, parse_server
from bot.core.config.types import PLACEHOLDER as PLACEHOLDER
from bot.core.config.types import (
    AdapterConfig,
    AlertsConfig,
    BroadcastsConfig,
    CheckinConfig,
    Config,
    ConsoleConfig,
    GateConfig,
    GroupConfig,
    LifecycleConfig,
    OutboxConfig,
    SchedulerConfig,
    ServerConfig,
    StorageConfig,
    TaggingConfig,
)

__all__ = [
    "ActivityTagsConfig",
    "AdapterConfig",
    "AlertsConfig",
    "CheckinConfig",
    "Config",
    "ConfigError",
    "ConsoleConfig",
    "GateConfig",
    "GroupConfig",
    "InsightsConfig",
    "LifecycleConfig",
    "ModerationConfig",
    "RuleBook",
    "RuleOverride",
    "SchedulerConfig",
    "ServerConfig",
    "SourceConfig",
    "StorageConfig",
    "SurveyConfig",
    "TagRule",
    "TaggingConfig",
    "TiersConfig",
    "load",
    "parse",
    "rule_problem",
    "secret_problems",
    "send_problems",
]


def _tags(raw: Any) -> tuple[TagRule, ...]:
    if not isinstance(raw, list):
        raise ConfigError("tags: must be an array of tables ([[tags]])")
    out: list[TagRule] = []
    for i, item in enumerate(raw):
        s = Section(item, f"tags[{i}]")
        rule = TagRule(name=s.text("name"), category=s.text("category", "interest"),
                       keywords=tuple(s.strings("keywords")), weight=s.number("weight", 1.0),
                       exclude=tuple(s.strings("exclude", [])),
                       visibility=s.choice("visibility", ("", *VISIBILITIES), ""))
        s.done()
        problem = rule_problem(rule)
        if problem is not None:
            raise ConfigError(f"tags[{i}].{problem}")
        out.append(rule)
    return tuple(out)


STORAGE_SCHEMES = ("sqlite:///", "postgresql+psycopg://", "postgresql://")


def _check_storage_url(url: str) -> None:
    """A SQLite file or a PostgreSQL server (psycopg 3; ``postgresql://`` means the same); nothing else is
    installed or tested, so anything else stops the start naming the key."""
    if not url.startswith(STORAGE_SCHEMES):
        raise ConfigError("storage.url: must start with sqlite:/// (a file) or postgresql+psycopg:// "
                          f"(PostgreSQL 15+), not {url.partition(':')[0] or repr(url)}")
    if url.startswith("postgresql") and not url.partition("://")[2].strip("/"):
        raise ConfigError("storage.url: names no PostgreSQL server, e.g. "
                          "postgresql+psycopg://quntag:PASSWORD@127.0.0.1:5432/quntag")


def parse(data: Mapping[str, Any], base_dir: Path, env: Mapping[str, str] | None = None, *,
          adapters: Mapping[str, AdapterOptions], schedules: Collection[str] = ()) -> Config:
    """Validate a parsed TOML document; raises ConfigError naming the first bad key.

    ``adapters`` are the option declarations of the adapter types the faces offer (by ``type``);
    ``schedules`` the group config keys the declared scheduled jobs read (``morning_report`` …)."""
    env = os.environ if env is None else env
    top = Section(data, "")
    instances = parse_adapters(top.table("adapters"), env, adapters)
    server = parse_server(top.table("server"), env)
    st = Section(top.table("storage"), "storage")
    url = st.text("url", "sqlite:///quntag.db")
    storage = StorageConfig(url=env.get("QUNTAG_STORAGE_URL") or url,
                            sync=st.choice("sync", ("normal", "full"), "normal"),
                            store_text=st.flag("store_text", False),
                            text_retention_days=st.integer("text_retention_days", 30, 0, 36500))
    st.done()
    _check_storage_url(storage.url)
    defaults = parse_group(top.table("defaults"), "defaults", GroupConfig(id="*"), False, instances, adapters,
                      schedules, base_dir)
    tg = Section(top.table("tagging"), "tagging")
    tagging = TaggingConfig(half_life_days=tg.number("half_life_days", 30.0, 0.001),
                            min_score=tg.number("min_score", 1.0, 0.0),
                            visibility=parse_visibility(tg.table("visibility")))
    tg.done()
    lc = Section(top.table("lifecycle"), "lifecycle")
    lifecycle = LifecycleConfig(new_days=lc.integer("new_days", 7, 0, 3650),
                                dormant_days=lc.integer("dormant_days", 30, 1, 3650))
    lc.done()
    sc = Section(top.table("scheduler"), "scheduler")
    scheduler = SchedulerConfig(grace_minutes=sc.integer("grace_minutes", 60, 0, 7 * 24 * 60))
    sc.done()
    al = Section(top.table("alerts"), "alerts")
    alerts = AlertsConfig(unanswered_minutes=al.integer("unanswered_minutes", 30, 0, 7 * 24 * 60),
                          complaint_tags=tuple(al.strings("complaint_tags", ["投诉"])),
                          complaint_burst=al.integer("complaint_burst", 3, 0, 10000),
                          complaint_window_minutes=al.integer("complaint_window_minutes", 60, 1, 7 * 24 * 60),
                          max_per_hour=al.integer("max_per_hour", 6, 0, 1000))
    al.done()
    ci = Section(top.table("checkin"), "checkin")
    checkin = CheckinConfig(points=ci.integer("points", 1, 0, 1000),
                            weekly_bonus=ci.integer("weekly_bonus", 5, 0, 1000))
    ci.done()
    ob = Section(top.table("outbox"), "outbox")
    outbox = OutboxConfig(max_queued_per_chat=ob.integer("max_queued_per_chat", 100, 1, 100_000))
    ob.done()
    bc = Section(top.table("broadcasts"), "broadcasts")
    broadcasts = BroadcastsConfig(max_per_week=bc.integer("max_per_week", 3, 0, 1000))
    bc.done()
    groups: dict[str, GroupConfig] = {}
    for i, g in enumerate(top.array("groups")):
        grp = parse_group(g, f"groups[{i}]", defaults, True, instances, adapters, schedules, base_dir)
        if ":" not in grp.id:
            raise ConfigError(f"groups[{i}].id: must be a full id '<adapter>:<group id>'")
        known_adapter(grp.id, f"groups[{i}].id", instances)
        groups[grp.id] = grp
    cfg = Config(server=server, storage=storage, defaults=defaults, tagging=tagging, lifecycle=lifecycle,
                 tags=_tags(top.array("tags")), adapters=instances,
                 groups=groups, surveys=parse_surveys(top.array("surveys")),
                 insights=parse_insights(top.table("insights")), tiers=parse_tiers(top.table("tiers")),
                 activity_tags=parse_activity_tags(top.table("activity_tags")), scheduler=scheduler,
                 alerts=alerts, checkin=checkin, outbox=outbox, console=parse_console(top.table("console")),
                 base_dir=base_dir, broadcasts=broadcasts)
    top.done()
    ids = {sv.id for sv in cfg.surveys}
    for i, grp in enumerate([defaults, *groups.values()]):
        if grp.onboarding_survey and grp.onboarding_survey not in ids:
            where = "defaults" if i == 0 else f"groups[{i - 1}]"
            raise ConfigError(f"{where}.onboarding_survey: no [[surveys]] with id {grp.onboarding_survey!r}")
    return cfg


def load(path: str | Path, env: Mapping[str, str] | None = None, *,
         adapters: Mapping[str, AdapterOptions], schedules: Collection[str] = ()) -> Config:
    """Read and validate a config file."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ConfigError(f"config: cannot read {p}: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config: {p}: invalid TOML: {exc}") from None
    return parse(data, p.resolve().parent, env, adapters=adapters, schedules=schedules)
