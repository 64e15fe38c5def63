"""Typed application keys: what ``create_app`` composes."""

from __future__ import annotations

from aiohttp import web

from bot.config import Config
from bot.metrics import Metrics
from bot.runtime import Runtime

CONFIG = web.AppKey("config", Config)
METRICS = web.AppKey("metrics", Metrics)
RUNTIME = web.AppKey("runtime", Runtime)
