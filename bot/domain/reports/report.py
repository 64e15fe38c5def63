"""What a report is once built — rendered text with mention tokens and the mentions they stand for — and
the small wording helpers both reports share (weekday names, week-on-week change)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.config import GroupConfig
from bot.core.labels import weekday
from bot.core.outgoing import Mention
from bot.core.posting import plain
from bot.domain.reports.sources import NewsPick
from storage.repo import Repo


@dataclass(slots=True)
class Report:
    """Rendered text (mention tokens inside), the mentions, and the news items it carried (the queued rows by
    id; ``news`` also the source items, which :func:`bot.domain.reports.sources.mark_used` records once posted)."""

    text: str
    mentions: list[Mention] = field(default_factory=list)
    news_ids: list[int] = field(default_factory=list)
    news: list[NewsPick] = field(default_factory=list)

    def plain(self) -> str:
        return plain(self.text, self.mentions)


async def group_title(repo: Repo, group: GroupConfig) -> str:
    """What a report calls the group: its configured name, else the name the platform gave it (also for a group
    not listed in the config), the id only when neither is known."""
    if group.name:
        return group.name
    stored = {gid: name for gid, name, _n in await repo.members.groups()}
    return stored.get(group.id) or group.id


def weekday_names(locale: str) -> tuple[str, ...]:
    """Monday-first weekday names in ``locale`` (zh-CN when unknown)."""
    return tuple(weekday(i, locale) for i in range(7))


def change(now: int, before: int) -> str:
    """Week-on-week change as shown: ``+12%``, ``-5%``, ``±0%``, or ``+∞`` from nothing."""
    if before == 0:
        return "+∞" if now else "±0%"
    d = (now - before) * 100 / before
    return f"{d:+.0f}%"
