"""OneBot v11 adapter (``type = "onebot"``: NapCat, LLOneBot, Lagrange, go-cqhttp, WeChat bridges)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.adapters.onebot.adapter import OneBotAdapter, signature
from bot.core.adapter import AdapterDeps, ConfigError

__all__ = ["OneBotAdapter", "build", "signature"]


def build(name: str, options: Mapping[str, Any], deps: AdapterDeps) -> OneBotAdapter:
    if not isinstance(options, Mapping):
        raise ConfigError(f"adapters.{name}: must be a table")
    return OneBotAdapter(name, options, deps)
