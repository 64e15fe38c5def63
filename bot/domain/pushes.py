"""Pushes that measure themselves: how much of a group responded to a bot post, against its usual level.

A post's **response rate** is the share of the group's members at post time who posted in the group within
``WINDOW_S`` (two hours) after it — a reply to it or an @-mention of the bot is such a post. Its **baseline
rate** is the same share for the same weekday and time in earlier weeks (up to ``BASELINE_WEEKS`` windows,
looking back at most ``LOOKBACK_WEEKS``), skipping windows in which the bot itself posted, so the baseline is
what the group does on its own. ``lift`` = response rate ÷ baseline rate. A post's numbers are final (and
stored) once its window has closed; until then they are computed on the fly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.timeutil import zone
from storage.repo import Repo

WINDOW_S = 2 * 3600.0
WEEK_S = 7 * 86400.0
BASELINE_WEEKS = 4
LOOKBACK_WEEKS = 8
KINDS = ("morning_report", "broadcast", "survey", "activity_reminder")


def slot_of(at: float, tz: str) -> str:
    """The local whole hour a post went out in, ``HH:00``."""
    return f"{datetime.fromtimestamp(at, zone(tz)).hour:02d}:00"


async def record(repo: Repo, group_id: str, kind: str, at: float, tz: str) -> None:
    """Remember that the bot posted ``kind`` in the group now, for measuring."""
    await repo.pushes.record_post(group_id, kind, at, slot_of(at, tz))


@dataclass(frozen=True, slots=True)
class Measured:
    members: int
    responders: int
    response_rate: float | None
    baseline_rate: float | None


async def _share(repo: Repo, group_id: str, start: float) -> tuple[int, int]:
    members = await repo.pushes.members_at(group_id, start)
    posted = await repo.pushes.posters_between(group_id, start, start + WINDOW_S) & members
    return len(members), len(posted)


async def measure(repo: Repo, group_id: str, at: float, bot_posts: Sequence[float]) -> Measured:
    """The response to a post at ``at``; ``bot_posts`` are the times of all the group's bot posts (their
    windows are left out of the baseline)."""
    members, responders = await _share(repo, group_id, at)
    first = await repo.pushes.first_message_at(group_id)
    rates: list[float] = []
    for k in range(1, LOOKBACK_WEEKS + 1):
        if len(rates) == BASELINE_WEEKS:
            break
        start = at - k * WEEK_S
        if first is None or start + WINDOW_S <= first:
            break
        if any(start - WINDOW_S < t < start + WINDOW_S for t in bot_posts):
            continue
        n, r = await _share(repo, group_id, start)
        if n:
            rates.append(r / n)
    return Measured(members, responders, responders / members if members else None,
                    sum(rates) / len(rates) if rates else None)


async def finalize(repo: Repo, group_id: str, now: float) -> int:
    """Measure and store every post whose window has closed; returns how many."""
    rows = await repo.pushes.posts(group_id, now - (LOOKBACK_WEEKS + 1) * WEEK_S)
    times = [r[2] for r in rows]
    done = 0
    for post_id, _kind, at, _slot, _m, _r, _rr, _br, final in rows:
        if final or at + WINDOW_S > now:
            continue
        m = await measure(repo, group_id, at, times)
        await repo.pushes.finish_post(post_id, m.members, m.responders, m.response_rate, m.baseline_rate)
        done += 1
    return done


@dataclass(frozen=True, slots=True)
class PostResult:
    kind: str
    slot: str
    at: float
    measured: Measured


async def results(repo: Repo, group_id: str, since: float, now: float,
                  kinds: tuple[str, ...] = ()) -> list[PostResult]:
    """Every post since ``since`` with its response: stored when final, computed now while its window is open."""
    everything = await repo.pushes.posts(group_id, 0.0)
    times = [r[2] for r in everything]
    out: list[PostResult] = []
    for _id, kind, at, slot, members, responders, rr, br, final in everything:
        if at < since or at > now or (kinds and kind not in kinds):
            continue
        m = Measured(members, responders, rr, br) if final else await measure(repo, group_id, at, times)
        out.append(PostResult(kind, slot, at, m))
    return out


def _mean(values: Sequence[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None


def _round(v: float | None) -> float | None:
    return round(v, 4) if v is not None else None


def summarize(posts: Sequence[PostResult]) -> list[dict[str, Any]]:
    """``[{"kind", "slot", "posts", "response_rate", "baseline_rate", "lift"}]`` per kind and slot: the mean
    of the posts' rates; ``lift`` is None where there is no baseline (or it is zero)."""
    groups: dict[tuple[str, str], list[PostResult]] = {}
    for p in posts:
        groups.setdefault((p.kind, p.slot), []).append(p)
    out: list[dict[str, Any]] = []
    for (kind, slot), ps in sorted(groups.items()):
        rate = _mean([p.measured.response_rate for p in ps])
        base = _mean([p.measured.baseline_rate for p in ps])
        lift = rate / base if rate is not None and base else None
        out.append({"kind": kind, "slot": slot, "posts": len(ps), "response_rate": _round(rate),
                    "baseline_rate": _round(base), "lift": _round(lift)})
    return out
