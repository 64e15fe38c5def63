"""Feishu/Lark adapter package: crypto, event parsing and the adapter itself."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.adapters.feishu.adapter import FeishuAdapter
from bot.core.adapter import AdapterDeps, ConfigError


def build(name: str, options: Mapping[str, Any], deps: AdapterDeps) -> FeishuAdapter:
    if not isinstance(options, Mapping):
        raise ConfigError(f"adapters.{name}: must be a table")
    return FeishuAdapter(name, options, deps)
