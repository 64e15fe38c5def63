"""Feature handlers. ROUTERS are listed explicitly, in dispatch order: observers first, then commands."""

from __future__ import annotations

from bot.config import Config
from bot.dispatcher import Dispatcher
from bot.router import CommandSpec
from handlers import activity, checkins, commands, community, gate, surveys, tagging


def build_dispatcher(config: Config) -> Dispatcher:
    """The dispatcher with every router, built fresh for one app (nothing global)."""
    specs: list[CommandSpec] = []
    routers = [
        activity.router(),
        tagging.router(config.tags),
        community.router(),
        gate.router(),
        commands.router(lambda: specs),
        checkins.router(),
        surveys.router(),
    ]
    dispatcher = Dispatcher(routers)
    specs.extend(dispatcher.commands)
    return dispatcher
