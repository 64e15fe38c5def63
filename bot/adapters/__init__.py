"""Adapter types by name. Listed explicitly: no autodiscovery, nothing registered at import time."""

from __future__ import annotations

from bot.adapters import dingtalk, feishu, generic, onebot, telegram, wecom
from bot.core.adapter import AdapterFactory


def adapter_types() -> dict[str, AdapterFactory]:
    """Map of ``type`` → factory. A new platform adds one line here."""
    return {
        "generic": generic.build,
        "telegram": telegram.build,
        "onebot": onebot.build,
        "feishu": feishu.build,
        "dingtalk": dingtalk.build,
        "wecom_app": wecom.build_app,
        "wecom_aibot": wecom.build_aibot,
    }
