"""The members list's cheap path gives what full profiles give: every member's stage from the roster (the stored
stage only where it provably holds), the tier pre-filter of segments, and a member's scores at many times from one
pass. Checked against ``profiles.load`` after recomputes, new messages, leaves, opt-outs and rejections, on every
backend."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain import insights, profiles, roster
from bot.domain.recompute import ensure_fresh
from tests.conftest import message
from tests.storage.backends import every_backend  # noqa: F401  (fixture)

G = "generic:g-1"
SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 20, 0, tzinfo=SH).timestamp()
DAY = 86400.0
HISTORY = {  # member → days ago on which they spoke (twice)
    "u-1": [*range(15, 43), 5, 2],  # went quiet: declining
    "u-2": list(range(0, 43)),  # every day: active
    "u-3": list(range(35, 43)),  # dormant
    "u-8": list(range(29, 43)),  # dormant within days
    "u-4": [40, 3],  # too little history to decline
    "u-5": [*range(20, 43), 1],  # declining, then opts out
    "u-6": [*range(14, 43)],  # declining, then leaves
}


@pytest.fixture
def bot_storage_url(every_backend: str) -> str:  # noqa: F811
    return every_backend


async def _group(make_bot, clock):
    bot = await make_bot(clock=lambda: clock[0], tiers={"core": 0.6, "high": 0.5},
                         tags=[{"name": "红酒", "category": "interest", "keywords": ["红酒"]}])
    for member, days in HISTORY.items():
        for d in days:
            for k in range(2):
                t = NOW - d * DAY - 8 * 3600 - k * 60
                await bot.post(message(f"{member}-{d}-{k}", member, "红酒真好" if d % 3 == 0 else "大家好", t,
                                       name=member.upper()))
        await bot.settle()
    join = {"type": "member_joined", "group": {"id": "g-1"}, "user": {"id": "u-7", "name": "新人"}}
    await bot.post({**join, "id": "j-7", "time": NOW - 2 * DAY})
    await bot.settle()
    return bot


async def _check(repo, cfg, t, fresh=True):
    """``roster.stages`` at ``t`` equals the lifecycle of every loaded profile at ``t``."""
    want = {p.member: p.lifecycle for p in await profiles.load(repo, cfg, G, None, t, fresh=fresh)}
    rows = await repo.members.roster(G)
    got = await roster.stages(repo, cfg, G, roster.facts_of(G, rows, await repo.members.membership(G)), t)
    assert got == want
    return want


async def test_stages_equal_profiles_as_time_and_facts_move(make_bot, monkeypatch):
    walked: list[list[str]] = []
    real = roster.declining_at

    async def declining_at(repo, cfg, group_id, ids, t):
        walked.append(list(ids))
        return await real(repo, cfg, group_id, ids, t)
    monkeypatch.setattr(roster, "declining_at", declining_at)
    clock = [NOW]
    bot = await _group(make_bot, clock)
    repo, cfg = bot.runtime.repo, bot.config
    await ensure_fresh(repo, cfg, G, clock[0])
    first = await _check(repo, cfg, NOW)
    assert {first[f"generic:u-{i}"] for i in (1, 2, 3, 7)} == {"declining", "active", "dormant", "new"}
    assert walked == []  # the same day, after the recompute: every declining bit came from the store
    for t in (NOW + 600, NOW + 3 * 3600, NOW + DAY, NOW + 20 * DAY, NOW - 600, NOW - 10 * DAY):
        await _check(repo, cfg, t, fresh=False)  # the stored stages are of NOW: used only where they hold
    # New facts the stored stages have not seen yet (no recompute in between): never taken from the store.
    clock[0] = NOW + 300
    await bot.post(message("u-1-new", "u-1", "我回来了", NOW + 200, name="U-1"))
    await bot.post({"id": "l-6", "type": "member_left", "time": NOW + 250, "group": {"id": "g-1"},
                    "user": {"id": "u-6", "name": "U-6"}})
    await bot.settle()
    await repo.privacy.set_opt_out(G, "generic:u-5", True)
    walked.clear()
    after = await _check(repo, cfg, clock[0], fresh=False)
    assert {"generic:u-1", "generic:u-5"} <= set(walked[0])  # a later message, an opt-out: walked again
    assert after["generic:u-6"] == "left"
    await _check(repo, cfg, clock[0])


async def test_segments_and_the_members_list_match_full_profiles(make_bot):
    clock = [NOW]
    bot = await _group(make_bot, clock)
    repo, cfg = bot.runtime.repo, bot.config
    everyone = await profiles.load(repo, cfg, G, None, NOW)
    for query in ("tier=core", "(tier=core | tier=high) & !lifecycle=dormant", "!tier=ordinary | 红酒",
                  "红酒 & !lifecycle=declining", '"tier"=core', "lifecycle=left | tier=ordinary"):
        node = insights.segments.parse(query)
        want = [p.member for p in insights.segments.select(node, everyone)]
        assert [p.member for p in await insights.segment(repo, cfg, G, query, NOW)] == want, query
        assert [p.member for p in await insights.segment(repo, cfg, G, query, NOW, stats=False)] == want, query
        if roster.reserved_only(node):
            found = await roster.select_reserved(repo, cfg, G, node, NOW)
            assert sorted(r.member_id for r, _stage in found) == sorted(want), query
            assert all(stage == q.lifecycle and (r.tier or "ordinary") == q.tier and r.name == q.name
                       for r, stage in found for q in everyone if q.member == r.member_id)
    assert roster.reserved_only(insights.segments.parse('"tier"=core'))  # matches() reads it as the tier
    assert not roster.reserved_only(insights.segments.parse('"tier"="core"'))


async def test_scores_at_many_times_equal_scores_at_each(make_bot):
    clock = [NOW]
    bot = await _group(make_bot, clock)
    repo, cfg = bot.runtime.repo, bot.config
    await repo.tags.remove_member_tag(G, "generic:u-2", "红酒", NOW - 10 * DAY)  # only later hits count
    times = [NOW - k * 7 * DAY for k in range(12, -1, -1)]
    for member in ("generic:u-1", "generic:u-2", "generic:u-9"):
        series = await repo.members.member_scores_at(G, member, times, cfg.tagging.half_life_days, ["红酒"])
        for t, at in zip(times, series, strict=True):
            want = profiles.score_want(cfg, t, ["红酒"], evidence=False)
            facts = await repo.members.member_facts(G, [member], "", scores=want, lite=True, days=False)
            expect = {k: (v.total, v.hits) for f in facts for k, v in f.scores.items()}
            assert {k: (v.total, v.hits) for k, v in at.items()} == expect
    assert await repo.members.member_scores_at(G, "generic:u-1", times, 7.0, []) == [{} for _t in times]


async def test_roster_rows_are_the_member_rows(make_bot):
    clock = [NOW]
    bot = await _group(make_bot, clock)
    repo, cfg = bot.runtime.repo, bot.config
    await ensure_fresh(repo, cfg, G, NOW)
    rows = {r.member_id: r for r in await repo.members.roster(G)}
    loaded = await profiles.load(repo, cfg, G, None, NOW + timedelta(minutes=1).total_seconds())
    assert set(rows) == {p.member for p in loaded}
    for p in loaded:
        r = rows[p.member]
        assert (r.name, r.messages, r.first_seen, r.last_seen, r.opted_out, r.tier or "ordinary") == \
            (p.name, p.stats.messages, p.stats.first_seen, p.stats.last_seen, p.opted_out, p.tier)
    days = await repo.members.active_days(G, None)
    assert {m: days.get(m, 0) for m in rows} == {p.member: p.stats.active_days for p in loaded}
