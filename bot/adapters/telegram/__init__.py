"""Telegram Bot API adapter (``type = "telegram"``)."""

from __future__ import annotations

from bot.adapters.telegram.adapter import OPTIONS, TelegramAdapter
from bot.core.adapter import AdapterType

__all__ = ["TYPE", "TelegramAdapter"]

TYPE = AdapterType("telegram", OPTIONS, TelegramAdapter)
