"""The automatic morning time by measured response: Thompson sampling over the whole hours of the window.

Each slot's response rate is uncertain; we describe it as Beta(1 + responders, 1 + members − responders),
summed over the morning reports posted in that slot (members at post time, responders within two hours).
Each day one value is drawn from every slot's distribution and the slot with the highest draw wins. A slot
that has done well wins most days; a slot that was rarely tried has a wide distribution and so still wins
now and then, which keeps measuring it (exploration) instead of settling on whichever slot happened to be
tried first. The draw is seeded with the group and the day, so a given day's choice is repeatable.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SlotChoice:
    """The chosen slot, why (``best``: the highest measured rate; ``explore``: another slot's draw won),
    and the measurements behind it: ``posts`` and ``rate`` of the chosen slot (rate None: never tried)."""

    slot: str
    reason: str
    posts: int
    rate: float | None
    best_slot: str
    best_rate: float | None


def window_slots(window: tuple[int, int]) -> list[str]:
    """The whole hours ``HH:00`` inside a window of minutes of the day (start and end included)."""
    start, end = window
    hours = [h for h in range(24) if (start <= h * 60 <= end if start <= end else (h * 60 >= start or h * 60 <= end))]
    if start > end:
        hours = [h for h in hours if h * 60 >= start] + [h for h in hours if h * 60 <= end]
    return [f"{h:02d}:00" for h in hours]


def choose(slots: Sequence[str], measured: Mapping[str, tuple[int, int, int]], seed: str) -> SlotChoice:
    """Pick a slot. ``measured[slot]`` = (posts, members summed, responders summed)."""
    rng = random.Random(seed)
    draws = {s: rng.betavariate(1 + measured.get(s, (0, 0, 0))[2],
                                1 + measured.get(s, (0, 0, 0))[1] - measured.get(s, (0, 0, 0))[2]) for s in slots}
    slot = max(slots, key=lambda s: (draws[s], -slots.index(s)))

    def rate(s: str) -> float | None:
        posts, members, responders = measured.get(s, (0, 0, 0))
        return responders / members if posts and members else None

    tried = [s for s in slots if rate(s) is not None]
    best = max(tried, key=lambda s: (rate(s) or 0.0, -slots.index(s))) if tried else slot
    return SlotChoice(slot, "best" if slot == best else "explore", measured.get(slot, (0, 0, 0))[0], rate(slot),
                      best, rate(best))
