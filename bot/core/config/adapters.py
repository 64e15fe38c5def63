"""``[adapters.<name>]`` and per-group adapter options, checked against what each adapter type declares.

The faces hand in the declarations (:class:`~bot.core.config.options.AdapterOptions` by ``type``); nothing
here builds an adapter or names a platform. A secret may come from ``QUNTAG_ADAPTER_<NAME>_<KEY>`` (name and
key upper-cased, other characters → ``_``) for every key its type declares secret.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.core.config.options import AdapterOptions, Option
from bot.core.config.schema import ConfigError, Section, unknown_key
from bot.core.config.types import AdapterConfig, Config, unset_secret

GROUP_TABLE = "adapter"  # [groups.adapter]: the per-group options of the group's adapter


def env_key(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name).upper()


def parse_adapters(raw: Any, env: Mapping[str, str],
                   declared: Mapping[str, AdapterOptions]) -> dict[str, AdapterConfig]:
    """Every ``[adapters.<name>]`` table, validated by its type's declaration (secrets from ``env`` first)."""
    if not isinstance(raw, dict):
        raise ConfigError("adapters: must be a table")
    out: dict[str, AdapterConfig] = {}
    for name, opts in raw.items():
        where = f"adapters.{name}"
        if not isinstance(opts, dict):
            raise ConfigError(f"{where}: must be a table")
        if not name or "/" in name or ":" in name:
            raise ConfigError(f"{where}: name may not contain '/' or ':'")
        kind = opts.get("type", name)
        if not isinstance(kind, str) or kind not in declared:
            raise ConfigError(f"{where}.type: unknown adapter type {kind!r} (known: {', '.join(declared)})")
        options = dict(opts)
        prefix = f"QUNTAG_ADAPTER_{env_key(name)}_"
        for key in declared[kind].secret_keys():
            if prefix + env_key(key) in env:
                options[key] = env[prefix + env_key(key)]
        out[name] = AdapterConfig(name=name, type=kind, options=declared[kind].read(where, options))
    return out


def group_adapter_options(s: Section, group_id: str, adapters: Mapping[str, AdapterConfig],
                          declared: Mapping[str, AdapterOptions]) -> dict[str, Any]:
    """The per-group adapter options of one ``[[groups]]`` entry (or ``[defaults]``), opaque to core.

    ``[groups.adapter]`` holds the options of the group's adapter type (when that adapter is configured;
    otherwise of any type). An option written directly in the group (``wecom_webhook_key``, the older
    spelling) is accepted wherever some adapter type declares it, as it always was. Call this after the
    group's own keys were read: every key left over is either a declared option or unknown.
    """
    everywhere: dict[str, Option] = {}
    for schema in declared.values():
        for opt in schema.group_options:
            everywhere.setdefault(opt.key, opt)
    adapter = adapters.get(group_id.partition(":")[0]) if ":" in group_id else None
    own = {o.key: o for o in declared[adapter.type].group_options} if adapter is not None else everywhere
    out: dict[str, Any] = {}
    for key in [k for k in s.raw if k not in s.used and k != GROUP_TABLE and k in everywhere]:
        s.used.add(key)
        out[key] = (own.get(key) or everywhere[key]).read(s.raw, s.where)
    if GROUP_TABLE in s.raw:
        table = Section(s.table(GROUP_TABLE), f"{s.where}.{GROUP_TABLE}")
        for key in table.raw:
            if key not in own:
                raise unknown_key(table.where, key, own)
            out[key] = own[key].read(table.raw, table.where)
    return out


def secret_problems(cfg: Config, declared: Mapping[str, AdapterOptions]) -> list[str]:
    """Keys whose secret is empty or the CHANGE-ME placeholder (``serve`` refuses to start).

    ``server.metrics_token`` may be left empty (``/metrics`` is then open) but not at the placeholder."""
    bad = []
    if unset_secret(cfg.server.api_token):
        bad.append("server.api_token")
    if cfg.server.metrics_token and unset_secret(cfg.server.metrics_token):
        bad.append("server.metrics_token")
    for a in cfg.adapters.values():
        bad += [f"adapters.{a.name}.{key}" for key in declared[a.type].unset_secrets(a.options)]
    return bad


def send_problems(cfg: Config, declared: Mapping[str, AdapterOptions]) -> dict[str, list[str]]:
    """Adapter name → the keys without which it cannot send at all (a generic ``outbound_url`` left empty),
    only adapters with such keys: ``serve`` refuses to start with them, and ``/healthz`` reports them."""
    problems = {a.name: [f"adapters.{a.name}.{key}" for key in declared[a.type].unset_for_sending(a.options)]
                for a in cfg.adapters.values()}
    return {name: keys for name, keys in problems.items() if keys}
