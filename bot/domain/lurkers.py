"""潜水 (lurkers): the one definition behind the activity tag, the weekly digest and anything else that says 潜水.

A lurker is a member of the group now — not left, not opted out of profiling, not one of the group's admins —
who has been in it at least ``[activity_tags] lurker_days`` (since they joined, else since first seen) and has
sent at most ``lurker_max_messages`` messages ever. Messages are chat only (:mod:`bot.domain.chat`): an admin
who runs the group with commands, or a member who only checks in, has none.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from bot.core.config import ActivityTagsConfig, Config
from bot.domain.lifecycle import stage
from storage.repo import MemberFacts, Repo

DAY = 86400.0


def group_admins(cfg: Config, group_id: str) -> frozenset[str]:
    """The group's admins from the config (its ``admins`` and ``[defaults] admins``), as ``is_admin`` reads them."""
    group = cfg.group(group_id)
    return frozenset((group.admins if group else ()) + cfg.defaults.admins)


def member_since(f: MemberFacts) -> float:
    """Since when the member has been in the group: their latest join, else their first sighting."""
    return f.joined_at if f.joined_at is not None else f.first_seen


def is_lurker(f: MemberFacts, now: float, cfg: ActivityTagsConfig, admins: Collection[str]) -> bool:
    """In the group at least ``lurker_days`` with at most ``lurker_max_messages`` messages, and no admin (the
    caller has already kept current, not-opted-out members)."""
    return (f.member_id not in admins and now - member_since(f) >= cfg.lurker_days * DAY
            and f.messages <= cfg.lurker_max_messages)


def lurker_evidence(f: MemberFacts, now: float, cfg: ActivityTagsConfig) -> dict[str, Any]:
    """What ``/why`` shows for the 潜水 tag: days in the group and messages against the threshold."""
    return {"rule": "member for days, messages at most", "days": int((now - member_since(f)) / DAY),
            "value": f.messages, "threshold": cfg.lurker_max_messages}


async def lurkers(repo: Repo, cfg: Config, group_id: str, now: float, joined_before: float) -> Sequence[MemberFacts]:
    """The group's lurkers at ``now`` who were in the group before ``joined_before`` (a digest never calls
    someone who joined within its week a lurker), longest in the group first."""
    admins = group_admins(cfg, group_id)
    tz = cfg.timezone_of(group_id)
    facts = await repo.members.member_facts(group_id, None, "", lite=True, days=False)
    # whether a member declines does not matter here, only that they are in the group
    found = [f for f in facts if not f.opted_out and member_since(f) < joined_before
             and stage(f, now, cfg.lifecycle, tz, f.last_message_at, declining=False) not in (None, "left")
             and is_lurker(f, now, cfg.activity_tags, admins)]
    return sorted(found, key=lambda f: (member_since(f), f.member_id))
