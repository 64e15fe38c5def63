"""What a report is once built — rendered text with mention tokens and the mentions they stand for — and
the small wording helpers both reports share (weekday names, week-on-week change)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.outgoing import Mention
from bot.core.posting import plain

WEEKDAYS = {"zh-CN": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
            "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")}


@dataclass(slots=True)
class Report:
    """Rendered text (mention tokens inside), the mentions, and the news items it carried."""

    text: str
    mentions: list[Mention] = field(default_factory=list)
    news_ids: list[int] = field(default_factory=list)

    def plain(self) -> str:
        return plain(self.text, self.mentions)


def weekday_names(locale: str) -> tuple[str, ...]:
    """Monday-first weekday names in ``locale`` (zh-CN when unknown)."""
    return WEEKDAYS.get(locale, WEEKDAYS["zh-CN"])


def change(now: int, before: int) -> str:
    """Week-on-week change as shown: ``+12%``, ``-5%``, ``±0%``, or ``+∞`` from nothing."""
    if before == 0:
        return "+∞" if now else "±0%"
    d = (now - before) * 100 / before
    return f"{d:+.0f}%"
