"""Named filter predicates for handlers (see ``Router.handler``)."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.events import Message


def is_admin(ctx: Context) -> bool:
    """The sender administers this group: listed in the group's (or default) ``admins``, or the
    platform reports them as a group owner/admin. The one permission check for admin commands."""
    ev = ctx.event
    if not isinstance(ev, Message):
        return False
    admins = set(ctx.group.admins if ctx.group else ()) | set(ctx.config.defaults.admins)
    return ev.user.id in admins or ev.is_group_admin is True


