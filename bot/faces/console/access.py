"""Who may see which group in the console: the chat admins of the config, nothing else.

An admin is a member id listed in a group's ``admins`` or in ``[defaults] admins``; the latter see every
group (listed or only stored), the former only the groups that list them. Every console URL and every
piece of console data goes through :func:`administers` or :func:`visible_groups`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.config import Config
from storage.repo import Repo


@dataclass(frozen=True, slots=True)
class GroupView:
    """A group as the console shows it: its id (in URLs only), a name for people, and its clock."""

    id: str
    name: str
    timezone: str
    locale: str


def sees_all(cfg: Config, member_id: str) -> bool:
    """Listed in ``[defaults] admins``: administers every group."""
    return member_id in cfg.defaults.admins


def administers(cfg: Config, member_id: str, group_id: str) -> bool:
    """Whether ``member_id`` may see and change ``group_id`` in the console."""
    if sees_all(cfg, member_id):
        return True
    group = cfg.group(group_id)
    return group is not None and member_id in group.admins


def admin_anywhere(cfg: Config, member_id: str) -> bool:
    """Whether ``member_id`` administers at least one group (who may get a login link)."""
    return sees_all(cfg, member_id) or any(member_id in g.admins for g in cfg.groups.values())


def group_name(cfg: Config, group_id: str, stored_name: str) -> str:
    """The config's name, else the platform's, else the platform's id (never the adapter prefix)."""
    listed = cfg.groups.get(group_id)
    return (listed.name if listed else "") or stored_name or group_id.partition(":")[2]


async def all_groups(cfg: Config, repo: Repo) -> list[GroupView]:
    """Every group: listed ones in config order, then groups only stored (platform groups the config does
    not list; ``only_listed_groups`` leaves them out)."""
    stored = {gid: name for gid, name, _n in await repo.members.groups()}
    out = []
    for gid in [*cfg.groups, *(gid for gid in stored if gid not in cfg.groups)]:
        group = cfg.group(gid)
        if group is not None:
            out.append(GroupView(gid, group_name(cfg, gid, stored.get(gid, "")), group.timezone, group.locale))
    return out


async def visible_groups(cfg: Config, repo: Repo, member_id: str) -> list[GroupView]:
    """The groups ``member_id`` administers, in :func:`all_groups` order."""
    return [g for g in await all_groups(cfg, repo) if administers(cfg, member_id, g.id)]


async def group_view(cfg: Config, repo: Repo, member_id: str, group_id: str) -> GroupView | None:
    """The group behind a console URL, or None when it is unknown or ``member_id`` does not administer it
    (the same answer for both, so a URL tells nobody which groups exist)."""
    if not administers(cfg, member_id, group_id):
        return None
    group = cfg.group(group_id)
    if group is None:
        return None
    stored = {gid: name for gid, name, _n in await repo.members.groups()}
    if group_id not in cfg.groups and group_id not in stored:
        return None
    return GroupView(group_id, group_name(cfg, group_id, stored.get(group_id, "")), group.timezone, group.locale)
