"""WeCom (企业微信) receivers: ``wecom_app`` (encrypted XML) and ``wecom_aibot`` (智能机器人 JSON)."""

from __future__ import annotations

from bot.adapters.wecom import aibot, app
from bot.core.adapter import AdapterType

__all__ = ["AIBOT_TYPE", "APP_TYPE"]

APP_TYPE = AdapterType("wecom_app", app.OPTIONS, app.WeComAppAdapter)
AIBOT_TYPE = AdapterType("wecom_aibot", aibot.OPTIONS, aibot.WeComAIBotAdapter)
