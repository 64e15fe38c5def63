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


MORNING_WINDOW = (7 * 60, 10 * 60)  # [defaults] morning_auto_window = "07:00-10:00", in minutes of the day


def _inside(minute: int, window: tuple[int, int]) -> bool:
    start, end = window
    return start <= minute <= end if start <= end else (minute >= start or minute <= end)  # across midnight


def push_time(hist: Sequence[int], default: str = DEFAULT_PUSH_TIME,
              window: tuple[int, int] | None = None) -> str:
    """``"HH:00"`` of the busiest hour of ``hist``; ``default`` when there are no messages.

    With ``window`` (minutes of the day, start and end included) only the whole hours inside it count, so an
    automatic morning report never goes out in the evening because the group chats most at 20:00: the busiest
    hour inside the window, else ``default`` when it lies inside, else the window's start."""
    if window is None:
        best = busiest_hours(hist, 1)
        return f"{best[0]:02d}:00" if best else default
    ranked = busiest_hours([hist[h] if _inside(h * 60, window) else 0 for h in range(24)], 1)
    if ranked:
        return f"{ranked[0]:02d}:00"
    dh, dm = (int(x) for x in default.split(":"))
    if _inside(dh * 60 + dm, window):
        return default
    start = window[0]
    return f"{start // 60:02d}:{start % 60:02d}"
