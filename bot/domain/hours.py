"""The one best-hour rule: a group's busiest local hours, busiest first, the earlier hour on ties.

``/insights``, ``/segment``, persona cards, the weekly digest and the morning report's automatic time all
rank hours with :func:`busiest_hours`; they differ only in whose messages they count.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.profiles import Profile

BEST_HOURS = 3
DEFAULT_PUSH_TIME = "08:00"  # when a group has no messages yet


def busiest_hours(hist: Sequence[int], k: int = BEST_HOURS) -> list[int]:
    """Up to ``k`` hours (indexes of ``hist``, messages per local hour) that had messages, busiest first,
    the earlier hour on ties."""
    return [h for h in sorted(range(len(hist)), key=lambda h: (-hist[h], h)) if hist[h] > 0][:k]


def hour_histogram(profiles: Sequence[Profile]) -> list[int]:
    """Messages per local hour of the members who did not opt out."""
    hist = [0] * 24
    for p in profiles:
        if p.opted_out:
            continue
        for h, n in enumerate(p.stats.hours):
            hist[h] += n
    return hist


def best_hours(profiles: Sequence[Profile], k: int = BEST_HOURS) -> list[int]:
    """The busiest hours of these members."""
    return busiest_hours(hour_histogram(profiles), k)


def push_time(hist: Sequence[int], default: str = DEFAULT_PUSH_TIME) -> str:
    """``"HH:00"`` of the busiest hour of ``hist``; ``default`` when there are no messages."""
    best = busiest_hours(hist, 1)
    return f"{best[0]:02d}:00" if best else default
