"""Feature handlers. ROUTERS are listed explicitly, in dispatch order: observers first, then commands."""

from __future__ import annotations

from bot.core.config import Config
from bot.core.dispatch import Dispatcher
from bot.core.routing import CommandSpec
from handlers import activity, checkins, community, gate, privacy, signals, surveys, tagging
from handlers import audience as admin_insights
from handlers import basics as commands
from handlers import member_admin as admin


def build_dispatcher(config: Config) -> Dispatcher:
    """The dispatcher with every router, built fresh for one app (nothing global)."""
    specs: list[CommandSpec] = []
    routers = [
        activity.router(),
        tagging.router(config.tags),
        signals.router(),
        community.router(),
        gate.router(),
        commands.router(lambda: specs),
        privacy.router(),
        admin.router(),
        admin_insights.router(),
        checkins.router(),
        surveys.router(),
    ]
    dispatcher = Dispatcher(routers, config.server.member_commands_per_minute)
    specs.extend(dispatcher.commands)
    return dispatcher
