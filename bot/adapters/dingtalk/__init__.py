"""DingTalk enterprise-internal robot adapter."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.adapters.dingtalk.adapter import DingTalkAdapter, sign
from bot.core.adapter import AdapterDeps, ConfigError

__all__ = ["DingTalkAdapter", "build", "sign"]


def build(name: str, options: Mapping[str, Any], deps: AdapterDeps) -> DingTalkAdapter:
    if not isinstance(options, Mapping):
        raise ConfigError(f"adapters.{name}: must be a table")
    return DingTalkAdapter(name, options, deps)
