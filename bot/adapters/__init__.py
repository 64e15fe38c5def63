"""Adapter types by name. Listed explicitly: no autodiscovery, nothing registered at import time."""

from __future__ import annotations

from bot.adapters import dingtalk, feishu, generic, onebot, telegram, wecom
from bot.core.adapter import AdapterType


def adapter_types() -> dict[str, AdapterType]:
    """Map of ``type`` → declaration. A new platform adds one entry here."""
    offered = (generic.TYPE, telegram.TYPE, onebot.TYPE, feishu.TYPE, dingtalk.TYPE, wecom.APP_TYPE,
               wecom.AIBOT_TYPE)
    return {t.name: t for t in offered}
