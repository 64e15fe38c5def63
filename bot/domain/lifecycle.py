"""Lifecycle stages (contract §5), evaluated at any time T from stored facts.

Order: left → new → dormant → declining → active. ``declining`` has hysteresis: a member enters it when
the last 14 days' daily message rate falls under 50 % of the 28 days before, and leaves it only at 70 %
or more; in between, the state of the previous day holds (walked back day by day).

History only moves forward: before a member was first seen there is no stage at all (so nobody is dormant
before joining), and ``new`` starts only with a join that began a stay (tests/domain/test_lifecycle_history.py
lists the invariants).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from functools import lru_cache
from itertools import accumulate, repeat

from bot.core.config import LifecycleConfig
from bot.core.labels import label
from bot.core.timeutil import local
from storage.repo import MemberFacts

DAY = 86400.0
ENTER_DECLINING = 0.5
LEAVE_DECLINING = 0.7
RECENT_DAYS = 14
PREVIOUS_DAYS = 28
LOOKBACK_DAYS = 90
HISTORY_DAYS = RECENT_DAYS + PREVIOUS_DAYS + LOOKBACK_DAYS + 2
STAGES = ("new", "active", "declining", "dormant", "left")


SPAN = LOOKBACK_DAYS + RECENT_DAYS + PREVIOUS_DAYS - 1  # days the hysteresis walk looks at, ``day`` included


@lru_cache(maxsize=64)
def _window(day: str, span: int) -> tuple[str, ...]:
    """The ``span`` ISO days ending with ``day``, oldest first."""
    end = date.fromisoformat(day)
    return tuple((end - timedelta(days=span - 1 - i)).isoformat() for i in range(span))


def _prefix(days: Mapping[str, int], day: str, span: int) -> list[int]:
    """Running totals over the ``span`` days ending with ``day``: ``p[i]`` = messages on the first ``i`` of them."""
    return [0, *accumulate(map(days.get, _window(day, span), repeat(0, span)))]


def _ratio(p: list[int], e: int) -> float | None:
    """Rate ratio for the day whose exclusive end index in ``p`` is ``e`` (integer sums, as in the contract)."""
    prev = (p[e - RECENT_DAYS] - p[e - RECENT_DAYS - PREVIOUS_DAYS]) / PREVIOUS_DAYS
    if prev <= 0:
        return None
    return ((p[e] - p[e - RECENT_DAYS]) / RECENT_DAYS) / prev


def rate_ratio(days: Mapping[str, int], day: str) -> float | None:
    """Recent 14-day daily rate ÷ the 28 days before; None when there was nothing before."""
    span = RECENT_DAYS + PREVIOUS_DAYS
    return _ratio(_prefix(days, day, span), span)


def is_declining(days: Mapping[str, int], day: str) -> bool:
    if not days:
        return False
    p = _prefix(days, day, SPAN)
    for k in range(LOOKBACK_DAYS):
        r = _ratio(p, SPAN - k)
        if r is None or r >= LEAVE_DECLINING:
            return False
        if r < ENTER_DECLINING:
            return True
    return False


def first_step(recent: int, prev: int) -> bool | None:
    """``is_declining`` from the first day's window sums alone, or None when it must walk further back."""
    prev_rate = prev / PREVIOUS_DAYS  # the same arithmetic as ``_ratio``
    if prev_rate <= 0:
        return False
    r = (recent / RECENT_DAYS) / prev_rate
    if r >= LEAVE_DECLINING:
        return False
    if r < ENTER_DECLINING:
        return True
    return None


def stage_label(stage: str, locale: str) -> str:
    """A stage's name as members read it in ``locale`` (zh-CN when unknown): ``declining`` → 活跃下降."""
    return label("stage", stage, locale)


def stay_began(f: MemberFacts, t: float) -> float | None:
    """When the member's current stay in the group began with a join, as known at ``t``: the first join
    after their latest leave; with no leave, their first join unless something of theirs was seen before it
    (they were there before any join we know of). None when no join started the stay.

    A join reported again without a leave in between starts nothing: a member who went quiet does not turn
    new again because a platform repeated the join."""
    events = [(kind, at) for kind, at in f.membership if at <= t]
    last_leave = max((at for kind, at in events if kind == "leave"), default=None)
    joins = [at for kind, at in events if kind == "join" and (last_leave is None or at > last_leave)]
    if not joins:
        return None
    first = min(joins)
    if last_leave is None and f.first_seen < first:
        return None
    return first


def stage(f: MemberFacts, t: float, cfg: LifecycleConfig, tz: str, last_message: float | None,
          declining: bool | None = None) -> str | None:
    """The member's stage at ``t``, or None before anything of theirs was seen (no join, message or other
    sighting at or before ``t``: they were no member yet). ``last_message`` is their latest message at or
    before ``t``; ``declining``, when known, saves the walk over ``f.days``."""
    if f.first_seen > t:  # first_seen counts joins, messages and commands alike
        return None
    events = [(kind, at) for kind, at in f.membership if at <= t]
    if events and max(events, key=lambda e: (e[1], e[0] == "leave"))[0] == "leave":
        return "left"
    joined = stay_began(f, t)
    if joined is not None and t - joined < cfg.new_days * DAY:
        return "new"
    if last_message is None or t - last_message >= cfg.dormant_days * DAY:
        return "dormant"
    if is_declining(f.days, local(t, tz).date().isoformat()) if declining is None else declining:
        return "declining"
    return "active"
