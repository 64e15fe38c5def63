"""WeCom (企业微信) receivers: ``wecom_app`` (encrypted XML) and ``wecom_aibot`` (智能机器人 JSON)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.adapters.wecom.aibot import WeComAIBotAdapter
from bot.adapters.wecom.app import WeComAppAdapter
from bot.core.adapter import AdapterDeps, ConfigError


def build_app(name: str, options: Mapping[str, Any], deps: AdapterDeps) -> WeComAppAdapter:
    if not isinstance(options, Mapping):
        raise ConfigError(f"adapters.{name}: must be a table")
    return WeComAppAdapter(name, options, deps)


def build_aibot(name: str, options: Mapping[str, Any], deps: AdapterDeps) -> WeComAIBotAdapter:
    if not isinstance(options, Mapping):
        raise ConfigError(f"adapters.{name}: must be a table")
    return WeComAIBotAdapter(name, options, deps)
