"""Tags an admin gives or takes away by hand (``/tag @m +红酒 -健身`` in chat, the member page in the console).

One rule for both: a given tag keeps its ``[[tags]]`` category (an activity tag's own, else ``manual``) and its
evidence names who gave it; taking a tag away rejects it at that moment (keyword hits before then stop
counting, contract §5).
"""

from __future__ import annotations

import json

from bot.core.config import Config
from bot.core.timeutil import iso_utc
from bot.domain.activity_tags import ACTIVITY_TAGS
from storage.repo import Repo


def category_of(cfg: Config, name: str) -> str:
    """The category a hand-given tag files under."""
    rules = {t.name: t.category for t in cfg.rules.current()}
    return rules.get(name, "activity" if name in ACTIVITY_TAGS else "manual")


async def give(repo: Repo, cfg: Config, group_id: str, member_id: str, name: str, by: str, at: float,
               message: str = "") -> None:
    """Give ``member_id`` the tag ``name`` by hand (source ``manual``)."""
    evidence = json.dumps({"by": by, "at": iso_utc(at), "message": message})
    await repo.tags.set_member_tag(group_id, member_id, name, category_of(cfg, name), "manual", evidence, at)


async def take(repo: Repo, group_id: str, member_id: str, name: str, at: float) -> None:
    """Take the tag ``name`` away from ``member_id`` (a rejection from ``at`` on)."""
    await repo.tags.remove_member_tag(group_id, member_id, name, at)
