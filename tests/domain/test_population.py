"""Activity tags, tiers, transitions, associations, personas and segments on constructed populations."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.recompute import recompute_group
from bot.faces.cli import main
from tests.conftest import message

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=TZ).timestamp()
DAY = 86400.0
GROUPS = [{"id": "generic:g-1", "admins": ["generic:u-9"]}]


def at(days_ago: float, hour: int) -> float:
    d = datetime.fromtimestamp(NOW - days_ago * DAY, TZ).replace(hour=hour, minute=5, second=0)
    return d.timestamp()


def tags(p) -> dict:
    return {t["name"]: t for t in p["tags"]}


async def test_each_activity_tag_with_constructed_histories(make_bot):
    bot = await make_bot(clock=lambda: NOW, groups=GROUPS)
    post = bot.post
    for i in range(6):  # night owl: 6 messages at 01:05
        await post(message(f"n{i}", "owl", "嗯", at(i + 1, 1)))
    for i in range(6):  # early bird at 06:05
        await post(message(f"e{i}", "bird", "早", at(i + 1, 6)))
    for i in range(12):  # asker: questions; helper answers each by reply
        await post(message(f"q{i}", "asker", "这款红酒怎么样？", at(i + 1, 14)))
        await post(message(f"a{i}", "helper", "不错", at(i + 1, 15), reply_to=f"q{i}"))
    for i in range(3):
        await post(message(f"l{i}", "sharer", f"看看 https://example.com/{i}", at(2, 16)))
    for i in range(5):  # five distinct members draw on "node"
        await post(message(f"x{i}", f"fan{i}", "@node 说得对", at(3, 17), mentions=["node"]))
    await post(message("nd", "node", "hello", at(3, 16)))
    await post({"id": "j-lurk", "type": "member_joined", "time": NOW - 20 * DAY, "group": {"id": "g-1"},
                "user": {"id": "lurker"}})
    for i in range(3):
        await post({"id": f"j-inv{i}", "type": "member_joined", "time": NOW - 5 * DAY, "group": {"id": "g-1"},
                    "user": {"id": f"inv{i}"}, "invited_by": "inviter"})
    await post(message("iv", "inviter", "欢迎", at(1, 12)))
    await bot.settle()
    expect = {"owl": "夜猫子", "bird": "早起", "asker": "提问者", "helper": "答疑者", "sharer": "分享者",
              "node": "节点用户", "lurker": "潜水", "inviter": "邀请达人"}
    for member, tag in expect.items():
        _, p = await bot.profile(f"generic:{member}")
        assert tag in tags(p), (member, p["tags"])
        assert tags(p)[tag]["source"] == "activity" and tags(p)[tag]["category"] == "activity"
    _, p = await bot.profile("generic:helper")
    assert "夜猫子" not in tags(p) and "提问者" not in tags(p)
    assert tags(p)["答疑者"]["score"] == 12.0
    # top talker: asker and helper share most of the 30-day messages
    _, p = await bot.profile("generic:asker")
    assert "话痨" in tags(p)
    _, p = await bot.profile("generic:fan0")
    assert "话痨" not in tags(p) and "潜水" not in tags(p)


async def test_seed_members_are_early_and_still_active(make_bot):
    bot = await make_bot(clock=lambda: NOW, groups=GROUPS, activity_tags={"seed_first": 2})
    await bot.post(message("s1", "early1", "第一", at(60, 12)))
    await bot.post(message("s2", "early2", "第二", at(59, 12)))
    await bot.post(message("s3", "early1", "还在", at(1, 12)))
    for i in range(3):
        await bot.post(message(f"t{i}", f"late{i}", "后来", at(10, 12)))
    await bot.settle()
    _, p1 = await bot.profile("generic:early1")
    _, p2 = await bot.profile("generic:early2")  # dormant: not a seed any more
    _, p3 = await bot.profile("generic:late0")
    assert "种子用户" in tags(p1) and "种子用户" not in tags(p2) and "种子用户" not in tags(p3)


async def test_lifecycle_transitions_recorded_with_time(make_bot):
    clock = {"t": NOW}
    bot = await make_bot(clock=lambda: clock["t"], groups=GROUPS)
    await bot.post(message("m1", "u-1", "hi", NOW - 3600), now=NOW)
    await bot.settle()
    repo, cfg = bot.runtime.repo, bot.config
    await recompute_group(repo, cfg, "generic:g-1", NOW)
    later = NOW + 31 * DAY
    result = await recompute_group(repo, cfg, "generic:g-1", later)
    assert [(t.member_id, t.from_stage, t.to_stage, t.at) for t in result.transitions] == [
        ("generic:u-1", "active", "dormant", later)]
    again = await recompute_group(repo, cfg, "generic:g-1", later + 60)
    assert again.transitions == []  # no new move, nothing recorded
    moved = await repo.profiles.lifecycle_transitions("generic:g-1", NOW)
    assert len(moved) == 1


POP = [  # (member, tags in text) — N = 10 members with messages
    ("p0", "红酒 摄影"), ("p1", "红酒 摄影"), ("p2", "红酒 摄影"), ("p3", "红酒 摄影"), ("p4", "红酒"),
    ("p5", "红酒"), ("p6", "摄影"), ("p7", "健身"), ("p8", "健身"), ("p9", "hi"),
]


async def population_bot(make_bot, t=NOW, **kw):
    bot = await make_bot(clock=lambda: t, groups=GROUPS, **kw)
    for i, (m, text) in enumerate(POP):
        await bot.post(message(f"m{i}", m, text, t))
    await bot.settle()
    return bot


async def test_associations_have_the_known_lift(make_bot):
    bot = await population_bot(make_bot, insights={"min_support": 2},
                               tags=[{"name": "红酒", "keywords": ["红酒"]}, {"name": "摄影", "keywords": ["摄影"]},
                                     {"name": "健身", "keywords": ["健身"]}])
    from bot.domain.insights import insights
    data = await insights(bot.runtime.repo, bot.config, "generic:g-1", NOW)
    pairs = {(a["if"], a["then"]): a for a in data["associations"]}
    a = pairs[("红酒", "摄影")]
    # |红酒| = 6, |摄影| = 5, both = 4, N = 10: confidence 4/6, lift (4/6)/(5/10)
    assert a["support"] == 4 and a["confidence"] == pytest.approx(4 / 6, abs=1e-4)
    assert a["lift"] == pytest.approx((4 / 6) / 0.5, abs=1e-4)
    assert pairs[("摄影", "红酒")]["lift"] == pytest.approx((4 / 5) / 0.6, abs=1e-4)
    assert ("健身", "红酒") not in pairs  # support 0
    assert data["best_hours"] == [12]


async def test_min_support_default_five_hides_small_pairs(make_bot):
    bot = await population_bot(make_bot)
    status, data = await bot.api("/api/groups/generic%3Ag-1/segments?q=%E7%BA%A2%E9%85%92%20%26%20%E6%91%84%E5%BD%B1")
    assert status == 200 and sorted(data) == [f"generic:p{i}" for i in range(4)]
    status, err = await bot.api("/api/groups/generic%3Ag-1/segments?q=%26")
    assert status == 400 and "position 1" in err["error"]
    from bot.domain.insights import insights
    data = await insights(bot.runtime.repo, bot.config, "generic:g-1", NOW)
    assert data["associations"] == []


async def test_personas_suppress_small_cells(make_bot):
    bot = await population_bot(make_bot, insights={"min_cell": 5, "persona_min_messages": 1})
    from bot.domain.personas import personas
    cards = await personas(bot.runtime.repo, bot.config, "generic:g-1", NOW, with_members=True)
    assert 1 <= len(cards) <= 7 and all(c["size"] >= 5 for c in cards)
    members = [m for c in cards for m in c["members"]]
    assert sorted(members) == sorted(f"generic:{m}" for m, _t in POP)  # everyone in exactly one persona
    shown = [d["tag"] for c in cards for d in c["distinguishing"]]
    assert "健身" not in shown  # only 2 members carry it
    assert all(round(d["share"] * c["size"]) >= 5 for c in cards for d in c["distinguishing"] + c["needs"])
    bot2_cards = await personas(bot.runtime.repo, bot.config, "generic:g-1", NOW, only="no-such")
    assert bot2_cards == []


async def test_cli_segment_insights_personas_json(make_bot, tmp_path, capsys):
    import asyncio
    import time

    t = datetime.now(TZ).replace(hour=12, minute=0, second=0, microsecond=0).timestamp()
    if t > time.time():
        t -= DAY
    await population_bot(make_bot, t,
                         tags=[{"name": "红酒", "keywords": ["红酒"]}, {"name": "摄影", "keywords": ["摄影"]}])
    path = tmp_path / "c.toml"
    path.write_text(f"""[server]\napi_token = "t"\n[storage]\nurl = "sqlite:///{tmp_path}/quntag.db"\n
[tagging]\nmin_score = 0.5\n[insights]\nmin_support = 2\nmin_cell = 2\npersona_min_messages = 1\n
[adapters.generic]\nsecret = "s"\n
[[tags]]\nname = "红酒"\nkeywords = ["红酒"]\n[[tags]]\nname = "摄影"\nkeywords = ["摄影"]\n""", encoding="utf-8")
    run = lambda *a: asyncio.to_thread(main, [*a, "--config", str(path), "--json"])  # noqa: E731
    capsys.readouterr()
    assert await run("segment", "generic:g-1", "红酒 & 摄影") == 0
    assert sorted(json.loads(capsys.readouterr().out)) == [f"generic:p{i}" for i in range(4)]
    assert await run("segment", "generic:g-1", "红酒 &&") == 1
    assert "position" in capsys.readouterr().err
    assert await run("insights", "generic:g-1") == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"associations", "best_hours", "answers", "pushes"} and data["best_hours"] == [12]
    assert len(data["answers"]) == 4 and {"week", "asked", "answered_share", "median_first_answer_minutes",
                                          "faq_hits"} <= set(data["answers"][0])
    assert data["pushes"] == []  # the bot has posted nothing here
    assert {"if": "红酒", "then": "摄影", "support": 4, "confidence": 0.6667, "lift": 1.3333} in data["associations"]
    assert await run("personas", "generic:g-1") == 0
    cards = json.loads(capsys.readouterr().out)
    assert isinstance(cards, list) and 3 <= len(cards) <= 7 and all(c["size"] >= 2 for c in cards)
    assert all({"id", "name", "size", "share", "distinguishing"} <= set(c) and "members" not in c for c in cards)
    assert await run("personas", "generic:g-1", "--members") == 0
    again = json.loads(capsys.readouterr().out)
    assert [(c["id"], c["name"]) for c in again] == [(c["id"], c["name"]) for c in cards]  # stable
    assert sorted(m for c in again for m in c["members"]) == sorted(f"generic:{m}" for m, _t in POP)
    assert await run("segment", "generic:nope", "x") == 1


async def test_segment_notify_dry_run_confirm_batches_and_cooldown(make_bot):
    bot = await population_bot(make_bot, insights={"notify_batch": 2, "notify_cooldown_minutes": 60})
    bot.receiver.received.clear()
    await bot.post(message("c1", "u-9", "/segment save 酒友 红酒", NOW))
    await bot.settle()  # a saved segment is visible once the command that saved it is committed
    await bot.post(message("c2", "u-9", "/segment 酒友 notify 周五品酒会，欢迎来！", NOW))
    await bot.settle()
    texts = {r.get("reply_to"): r["text"] for r in bot.receiver.received}
    [preview] = [r["text"] for r in bot.receiver.received if r.get("user") == "u-9"]  # answered privately
    assert "酒友" in texts["c1"] and "预览" in preview and "6 人" in preview and "3 条" in preview
    assert not any(r.get("mentions") for r in bot.receiver.received)  # dry run sends nothing
    bot.receiver.received.clear()
    await bot.post(message("c3", "u-9", "/segment confirm", NOW + 60))
    await bot.settle()
    outreach = [r for r in bot.receiver.received if r.get("mentions")]
    assert len(outreach) == 3 and all(len(r["mentions"]) <= 2 for r in outreach)
    assert sorted(m for r in outreach for m in r["mentions"]) == sorted(f"p{i}" for i in range(6))
    bot.receiver.received.clear()
    await bot.post(message("c4", "u-9", "/segment 酒友 notify 再来一次", NOW + 120))
    await bot.settle()
    await bot.post(message("c5", "u-9", "/segment confirm", NOW + 180))
    await bot.settle()
    assert not any(r.get("mentions") for r in bot.receiver.received)
    assert "分钟后" in {r.get("reply_to"): r["text"] for r in bot.receiver.received}["c5"]


async def test_chat_segment_persona_insights_replies(make_bot):
    bot = await population_bot(make_bot, insights={"min_support": 2, "min_cell": 2, "persona_min_messages": 1})
    from bot.domain.personas import personas
    wine = next(c for c in await personas(bot.runtime.repo, bot.config, "generic:g-1", NOW) if "红酒" in c["name"])
    bot.receiver.received.clear()
    await bot.post(message("c1", "u-9", "/分群 红酒 & !摄影", NOW))
    await bot.post(message("c2", "u-9", "/segment 红酒 &", NOW))
    await bot.post(message("c3", "u-9", "/洞察", NOW))
    await bot.post(message("c4", "u-9", f"/persona {wine['name']}", NOW))
    await bot.settle()
    texts = {r.get("reply_to"): r["text"] for r in bot.receiver.received}
    segment, persona = [r["text"] for r in bot.receiver.received if r.get("user") == "u-9"]  # answered privately
    assert "2 人" in segment and "p4" in segment and "私信" in texts["c1"]
    assert "第 5 个字符" in texts["c2"]
    assert "红酒" in texts["c3"] and "12:00" in texts["c3"]
    lead = wine["distinguishing"][0]["tag"]
    assert f"【{wine['name']}】" in persona and f"运营建议：在 12:00 推送与「{lead}」相关的内容" in persona
    bot.receiver.received.clear()
    await bot.post(message("c5", "u-9", "/人群画像", NOW))
    await bot.settle()
    listing = {r.get("reply_to"): r["text"] for r in bot.receiver.received}["c5"]
    assert f"{wine['id']}. {wine['name']}（{wine['size']} 人" in listing and "/人群画像 编号" in listing
    assert json.dumps(texts)
