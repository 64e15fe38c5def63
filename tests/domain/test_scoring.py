"""Keyword scores exactly as contract §5, whatever the arrival order, at any time, after config changes."""

from __future__ import annotations

import dataclasses
import random
import time

from bot.core.config import TaggingConfig
from bot.domain import profiles
from tests.conftest import message

DAY = 86400.0
T0 = float(int(time.time()))


def expected(times: list[float], weight: float, half_life: float, t: float) -> float:
    return weight * sum(0.5 ** (max(0.0, t - x) / DAY / half_life) for x in times)


def tag(profile: dict, name: str) -> dict | None:
    return next((t for t in profile["tags"] if t["name"] == name), None)


async def test_scores_follow_the_formula_in_any_arrival_order(make_bot):
    bot = await make_bot(clock=lambda: T0)
    times = [T0 - d * DAY for d in (0.5, 3, 10, 31, 75)]
    events = [message(f"w{i}", "u-1", f"第{i}瓶赤霞珠", t) for i, t in enumerate(times)]
    events.append(message("p1", "u-1", "新相机到了，摄影走起", T0 - 2 * DAY))
    random.Random(3).shuffle(events)
    for ev in events:
        assert (await bot.post(ev)).status == 200
    await bot.settle()
    _, p = await bot.profile("generic:u-1")
    assert tag(p, "红酒")["score"] == round(expected(times, 1.0, 30.0, T0), 2)
    assert tag(p, "摄影")["score"] == round(expected([T0 - 2 * DAY], 2.0, 30.0, T0), 2)
    # highest first (activity tags such as 夜猫子 may follow, depending on the hour the test runs)
    assert [t["name"] for t in p["tags"] if t["source"] == "keyword"] == ["红酒", "摄影"]
    # evidence: newest first, with keyword and message id
    ev0 = tag(p, "红酒")["evidence"][0]
    assert ev0["message"] == "w0" and ev0["keyword"] == "赤霞珠"


async def test_at_evaluates_the_past_with_later_messages_at_full_weight(make_bot):
    bot = await make_bot(clock=lambda: T0)
    times = [T0 - 40 * DAY, T0 - 20 * DAY, T0 - 1 * DAY]
    for i, t in enumerate(times):
        await bot.post(message(f"w{i}", "u-1", "葡萄酒", t))
    await bot.settle()
    at = T0 - 30 * DAY
    iso = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at))
    _, p = await bot.profile("generic:u-1", at=iso)
    assert tag(p, "红酒")["score"] == round(expected(times, 1.0, 30.0, at), 2)
    status, _ = await bot.profile("generic:u-1", at="not-a-time")
    assert status == 400


async def test_one_hit_per_tag_per_message_and_normalized_matching(make_bot):
    bot = await make_bot(clock=lambda: T0)
    await bot.post(message("m1", "u-1", "红酒、葡萄酒、赤霞珠都爱", T0))
    await bot.post(message("m2", "u-2", "紅酒和ＷＩＮＥ", T0))
    await bot.settle()
    _, p1 = await bot.profile("generic:u-1")
    _, p2 = await bot.profile("generic:u-2")
    assert tag(p1, "红酒")["score"] == 1.0
    assert tag(p2, "红酒")["score"] == 1.0 and tag(p2, "红酒")["evidence"][0]["keyword"] in ("红酒", "wine")


async def test_weight_and_half_life_changes_apply_to_the_past(make_bot):
    bot = await make_bot(clock=lambda: T0)
    times = [T0 - 5 * DAY, T0 - 15 * DAY]
    for i, t in enumerate(times):
        await bot.post(message(f"m{i}", "u-1", "赤霞珠", t))
    await bot.settle()
    cfg = bot.config
    rules = tuple(dataclasses.replace(r, weight=3.0) if r.name == "红酒" else r for r in cfg.tags)
    changed = dataclasses.replace(cfg, tags=rules, tagging=TaggingConfig(half_life_days=7.0, min_score=1.0))
    [p] = await profiles.load(bot.runtime.repo, changed, "generic:g-1", ["generic:u-1"], T0)
    assert tag(profiles.profile_json(p), "红酒")["score"] == round(expected(times, 3.0, 7.0, T0), 2)


async def test_min_score_threshold_at_full_precision(make_bot):
    bot = await make_bot(clock=lambda: T0)
    await bot.post(message("m1", "u-1", "红酒", T0 - 60))  # a minute old: 0.99998 < 1.0
    await bot.post(message("m2", "u-2", "红酒", T0))
    await bot.settle()
    _, p1 = await bot.profile("generic:u-1")
    _, p2 = await bot.profile("generic:u-2")
    assert tag(p1, "红酒") is None
    assert tag(p2, "红酒")["score"] == 1.0


async def test_rejected_tag_counts_only_later_hits(make_bot):
    bot = await make_bot(clock=lambda: T0)
    for i, d in enumerate((10, 5, 1)):
        await bot.post(message(f"m{i}", "u-1", "红酒", T0 - d * DAY))
    await bot.settle()
    await bot.runtime.repo.tags.remove_member_tag("generic:g-1", "generic:u-1", "红酒", T0 - 3 * DAY)
    _, p = await bot.profile("generic:u-1")
    assert tag(p, "红酒") is None  # only the 1-day-old hit counts: 0.977 < 1.0
    await bot.post(message("m9", "u-1", "红酒", T0))
    await bot.settle()
    _, p = await bot.profile("generic:u-1")
    assert tag(p, "红酒")["score"] == round(expected([T0 - DAY, T0], 1.0, 30.0, T0), 2)
    assert [e["message"] for e in tag(p, "红酒")["evidence"]] == ["m9", "m2"]


async def test_new_keywords_apply_from_then_on(make_bot, tmp_path):
    bot = await make_bot(clock=lambda: T0)
    await bot.post(message("m1", "u-1", "干红不错", T0))
    await bot.settle()
    await bot.client.close()
    tags = [{"name": "红酒", "category": "interest", "keywords": ["干红"], "weight": 1.0}]
    bot2 = await make_bot(clock=lambda: T0, tags=tags)
    await bot2.post(message("m2", "u-1", "干红还有吗", T0))
    await bot2.settle()
    _, p = await bot2.profile("generic:u-1")
    assert tag(p, "红酒")["score"] == 1.0 and [e["message"] for e in tag(p, "红酒")["evidence"]] == ["m2"]
