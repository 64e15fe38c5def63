"""Loading the config with what this build offers: the adapter types' options and the group schedule keys
of the declared jobs (the core config knows no platform and no feature)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.adapters import adapter_types
from bot.core import config
from bot.core.config.options import AdapterOptions
from handlers import schedule_keys


def declared_options() -> dict[str, AdapterOptions]:
    """What each offered adapter type accepts, by ``type`` (read by config validation; nothing is built)."""
    return {name: t.options for name, t in adapter_types().items()}


def parse(data: Mapping[str, Any], base_dir: Path, env: Mapping[str, str] | None = None) -> config.Config:
    """A parsed TOML document → Config, adapters checked; ConfigError naming the first bad key."""
    return config.parse(data, base_dir, env, adapters=declared_options(), schedules=schedule_keys())


def load(path: str | Path, env: Mapping[str, str] | None = None) -> config.Config:
    """Read and validate the config file at ``path``."""
    return config.load(path, env, adapters=declared_options(), schedules=schedule_keys())


def secret_problems(cfg: config.Config) -> list[str]:
    """Keys whose secret is empty or the CHANGE-ME placeholder (``serve`` refuses to start)."""
    return config.secret_problems(cfg, declared_options())


def send_problems(cfg: config.Config) -> dict[str, list[str]]:
    """Adapter name → keys without which it cannot send at all (``serve`` refuses to start, ``/healthz``
    errors)."""
    return config.send_problems(cfg, declared_options())
