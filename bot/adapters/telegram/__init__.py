"""Telegram Bot API adapter (``type = "telegram"``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.adapters.telegram.adapter import TelegramAdapter
from bot.core.adapter import AdapterDeps, ConfigError

__all__ = ["TelegramAdapter", "build"]


def build(name: str, options: Mapping[str, Any], deps: AdapterDeps) -> TelegramAdapter:
    if not isinstance(options, Mapping):
        raise ConfigError(f"adapters.{name}: must be a table")
    return TelegramAdapter(name, options, deps)
