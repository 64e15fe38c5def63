"""Small, replaceable insights the operations features need (the member-intelligence work may swap
these for its own): the best push time of a group and who counts as a core member."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

DEFAULT_PUSH = "08:00"


def best_push_time(hours: Sequence[int], default: str = DEFAULT_PUSH) -> str:
    """``"HH:00"`` of the busiest local hour (earliest on ties); ``default`` when there is no data."""
    if not hours or max(hours) <= 0:
        return default
    best = max(range(len(hours)), key=lambda h: (hours[h], -h))
    return f"{best:02d}:00"


def core_members(day_counts: Mapping[str, Mapping[str, int]], first_day: str, last_day: str,
                 share: float = 0.2) -> list[str]:
    """The most active ``share`` of members who spoke between the two days (at least one member)."""
    totals = {m: sum(n for d, n in days.items() if first_day <= d <= last_day) for m, days in day_counts.items()}
    ranked = sorted((m for m, n in totals.items() if n > 0), key=lambda m: (-totals[m], m))
    if not ranked:
        return []
    return ranked[:max(1, round(len(ranked) * share))]
