"""Typed application keys: what ``create_app`` composes."""

from __future__ import annotations

from aiohttp import web

from bot.core.config import Config
from bot.core.metrics import Metrics
from bot.faces.runtime import Runtime

CONFIG = web.AppKey("config", Config)
METRICS = web.AppKey("metrics", Metrics)
RUNTIME = web.AppKey("runtime", Runtime)
