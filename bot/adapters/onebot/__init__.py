"""OneBot v11 adapter (``type = "onebot"``: NapCat, LLOneBot, Lagrange, go-cqhttp, WeChat bridges)."""

from __future__ import annotations

from bot.adapters.onebot.adapter import OPTIONS, OneBotAdapter, signature
from bot.core.adapter import AdapterType

__all__ = ["TYPE", "OneBotAdapter", "signature"]

TYPE = AdapterType("onebot", OPTIONS, OneBotAdapter)
