"""DingTalk enterprise-internal robot adapter."""

from __future__ import annotations

from bot.adapters.dingtalk.adapter import OPTIONS, DingTalkAdapter, sign
from bot.core.adapter import AdapterType

__all__ = ["TYPE", "DingTalkAdapter", "sign"]

TYPE = AdapterType("dingtalk", OPTIONS, DingTalkAdapter)
