"""Feishu/Lark adapter package: crypto, event parsing and the adapter itself."""

from __future__ import annotations

from bot.adapters.feishu.adapter import OPTIONS, FeishuAdapter
from bot.core.adapter import AdapterType

__all__ = ["TYPE", "FeishuAdapter"]

TYPE = AdapterType("feishu", OPTIONS, FeishuAdapter)
