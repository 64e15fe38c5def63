"""Lifecycle history never goes backwards in time: properties over random join/leave/message/command sequences.

A member's events are joins, leaves, messages and commands (a command is a sighting, no chat). With ``E(t)``
the events at or before ``t`` and ``stage(t)`` the stage evaluated at ``t``, these hold for every sequence and
every ``t``:

1. ``stage(t)`` is None exactly when ``E(t)`` is empty: nobody is dormant, active or new before being seen.
2. ``stage(t)`` is ``left`` exactly when the latest join or leave in ``E(t)`` is a leave (a leave wins a tie).
3. ``new`` needs a join less than ``new_days`` before ``t`` that began the stay: it came after a leave, or
   nothing of the member was seen before it.
4. ``active`` and ``declining`` need a message less than ``dormant_days`` before ``t``.
5. ``dormant`` means no message in the ``dormant_days`` before ``t``.
6. Over time: once seen, a member always has a stage; ``dormant`` at ``t1`` and ``new`` at a later ``t2`` only
   with a leave and then a join between them (a join reported again starts nothing).
7. Storage agrees: the events recorded through the repo in any arrival order give the same stage at every
   ``t`` as the pure evaluation of the sequence (so the weekly digest's before/after comparison never shows
   沉睡→新人 for someone who joined within the week).
"""

from __future__ import annotations

import asyncio
import tempfile
from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.config import LifecycleConfig
from bot.domain.lifecycle import stage
from storage.repo import MemberFacts

TZ = "Asia/Shanghai"
CFG = LifecycleConfig(new_days=7, dormant_days=30)
HOUR, DAY = 3600.0, 86400.0
T0 = datetime(2026, 9, 1, 0, 0, tzinfo=ZoneInfo(TZ)).timestamp()
KINDS = ("join", "leave", "message", "command")

events_st = st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 24 * 90)), min_size=1, max_size=24).map(
    lambda evs: sorted({(kind, T0 + h * HOUR) for kind, h in evs}, key=lambda e: (e[1], e[0])))


def facts_of(events: list[tuple[str, float]]) -> MemberFacts:
    """The facts storage keeps for these events (each at a distinct hour per kind, so none is a duplicate)."""
    messages = [at for kind, at in events if kind == "message"]
    days = Counter(datetime.fromtimestamp(at, ZoneInfo(TZ)).date().isoformat() for at in messages)
    return MemberFacts("generic:g", "generic:u", "u", len(messages), min(at for _k, at in events),
                       max(at for _k, at in events), max(messages, default=None), None, None, None, False,
                       days=dict(days), membership=[(k, at) for k, at in events if k in ("join", "leave")])


def stage_at(f: MemberFacts, events: list[tuple[str, float]], t: float) -> str | None:
    """The stage at ``t``, given (as profiles do) the latest message at or before ``t``."""
    last = max((at for kind, at in events if kind == "message" and at <= t), default=None)
    return stage(f, t, CFG, TZ, last)


def probe_times(events: list[tuple[str, float]]) -> list[float]:
    """Every event time, just before it, and around the ``new_days`` / ``dormant_days`` edges after it."""
    out = {T0 - HOUR}
    for _kind, at in events:
        for d in (0.0, -1.0, CFG.new_days * DAY - 1, CFG.new_days * DAY, CFG.dormant_days * DAY - 1,
                  CFG.dormant_days * DAY, 200 * DAY):
            out.add(at + d)
    return sorted(out)


def check_invariants(events: list[tuple[str, float]], timeline: list[tuple[float, str | None]]) -> None:
    for t, s in timeline:
        seen = [(k, at) for k, at in events if at <= t]
        membership = [(k, at) for k, at in seen if k in ("join", "leave")]
        messages = [at for k, at in seen if k == "message"]
        assert (s is None) == (not seen), (t, s)  # 1
        latest_is_leave = bool(membership) and max(membership, key=lambda e: (e[1], e[0] == "leave"))[0] == "leave"
        assert (s == "left") == latest_is_leave, (t, s)  # 2
        if s == "new":  # 3
            last_leave = max((at for k, at in membership if k == "leave"), default=None)
            starts = [at for k, at in membership if k == "join" and t - at < CFG.new_days * DAY
                      and ((last_leave is not None and at > last_leave)
                           or (last_leave is None and not any(a < at for _k, a in seen)))]
            assert starts, (t, s)
        recent = [at for at in messages if t - at < CFG.dormant_days * DAY]
        if s in ("active", "declining"):
            assert recent, (t, s)  # 4
        if s == "dormant":
            assert not recent, (t, s)  # 5
    for i, (t1, s1) in enumerate(timeline):  # 6
        for t2, s2 in timeline[i + 1:]:
            assert not (s1 is not None and s2 is None), (t1, s1, t2, s2)
            if s1 == "dormant" and s2 == "new":
                leaves = [at for k, at in events if k == "leave" and t1 < at <= t2]
                assert any(k == "join" and leaves and min(leaves) < at <= t2 for k, at in events), (t1, t2)


@settings(max_examples=400, deadline=None)
@given(events=events_st)
def test_stages_follow_the_events_before_them(events):
    f = facts_of(events)
    check_invariants(events, [(t, stage_at(f, events, t)) for t in probe_times(events)])


@settings(max_examples=30, deadline=None)
@given(events=events_st, order=st.randoms(use_true_random=False))
def test_stored_history_gives_the_same_stages_in_any_arrival_order(events, order):
    arrival = list(events)
    order.shuffle(arrival)
    times = probe_times(events)
    stored = asyncio.run(_stages_through_storage(arrival, times))
    f = facts_of(events)
    expected = [stage_at(f, events, t) for t in times]
    assert stored == expected
    check_invariants(events, list(zip(times, stored, strict=True)))


async def _stages_through_storage(arrival: list[tuple[str, float]], times: list[float]) -> list[str | None]:
    from bot.domain import profiles
    from bot.faces.settings import parse
    from storage.db import Database
    from storage.repo import MessageFacts, Repo

    with tempfile.TemporaryDirectory() as d:
        cfg = parse({"storage": {"url": f"sqlite:///{Path(d) / 'q.db'}"},
                     "lifecycle": {"new_days": CFG.new_days, "dormant_days": CFG.dormant_days}}, Path(d), env={})
        db = Database(cfg.storage.url, "normal")
        db.start()
        try:
            await db.migrate()
            repo = Repo(db, clock=lambda: times[-1])
            gid, mid = "generic:g", "generic:u"
            for n, (kind, at) in enumerate(arrival):
                if kind == "message":
                    local = datetime.fromtimestamp(at, ZoneInfo(TZ))
                    await repo.activity.record_message(MessageFacts(gid, "", "generic", mid, "u", f"m{n}", at,
                                                                    local.date().isoformat(), local.hour, None, None))
                elif kind == "command":
                    await repo.activity.record_sighting(gid, "generic", "", mid, "u", at)
                else:
                    await repo.activity.record_membership(gid, "generic", "", mid, "u", kind, at, f"e{n}", None)
            found = await profiles.lifecycles(repo, cfg, gid, times)
        finally:
            await db.close()
    return [by_time[mid].lifecycle if mid in by_time else None for by_time in found]
