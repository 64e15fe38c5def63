"""The group behind a console URL or a console JSON URL, or the one answer for a group one may not open."""

from __future__ import annotations

from dataclasses import replace

from aiohttp import web

from bot.core.config import GroupConfig
from bot.core.context import Context
from bot.faces.appkeys import RUNTIME
from bot.faces.console.access import GroupView, all_groups, group_view
from bot.faces.console.service import CONSOLE, Viewer, viewer
from bot.faces.console.views import group_url

__all__ = ["NoGroup", "api_group", "group_context", "group_url", "page_group"]


class NoGroup(web.HTTPNotFound):
    """A group that does not exist or that the viewer does not administer (the session guard draws the same
    page for both, so a URL tells nobody which groups exist)."""


async def page_group(request: web.Request) -> tuple[Viewer, GroupView]:
    """The logged-in admin and the group of ``{group}`` in the URL; :class:`NoGroup` when not theirs."""
    c, who = request.app[CONSOLE], viewer(request)
    group = await group_view(c.config, c.repo, who.member_id, request.match_info["group"])
    if group is None:
        raise NoGroup()
    return who, group


async def api_group(request: web.Request) -> GroupView:
    """The group of ``{group}`` for the API token (which sees every group); 404 JSON when unknown."""
    c = request.app[CONSOLE]
    gid = await c.repo.members.resolve_group(request.match_info["group"])
    for g in await all_groups(c.config, c.repo):
        if g.id == gid:
            return g
    raise web.HTTPNotFound(text='{"error": "unknown group"}', content_type="application/json")


def group_context(request: web.Request, group: GroupView) -> tuple[GroupConfig, Context]:
    """The group's settings and a context for it like the one scheduled jobs run with, for pages that act as
    jobs and chat commands do."""
    gc = request.app[CONSOLE].config.group(group.id)
    if gc is None:  # only-listed groups: page_group and api_group already refused the rest
        raise NoGroup()
    return gc, replace(request.app[RUNTIME].context, group=gc, event=None, command=None)
