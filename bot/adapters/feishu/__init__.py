"""Feishu/Lark adapter package: crypto, event parsing and the adapter itself."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.adapters.base import AdapterDeps, ConfigError
from bot.adapters.feishu.adapter import FeishuAdapter


def build(name: str, options: Mapping[str, Any], deps: AdapterDeps) -> FeishuAdapter:
    if not isinstance(options, Mapping):
        raise ConfigError(f"adapters.{name}: must be a table")
    return FeishuAdapter(name, options, deps)
