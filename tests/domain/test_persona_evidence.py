"""A persona run clusters profiles read without evidence and reads only the hits its cards quote: the cards
quote exactly what they quoted from full profiles (newest hit first, text kept where the group keeps it)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain import insights
from bot.domain.persona_clusters import cluster
from bot.domain.persona_evidence import newest_hits, quoted_pairs
from bot.domain.persona_features import encode
from bot.domain.personas import build, clustered, eligible
from tests.faces.console._community import A, persona_community


@pytest.fixture
async def bot(make_bot: Any) -> Any:
    return await persona_community(make_bot)


async def test_cards_quote_what_they_quoted_from_full_profiles(bot: Any) -> None:
    repo, cfg, now = bot.runtime.repo, bot.config, bot.clock()
    await bot.post({"id": "late", "type": "message", "time": int(now - 3600), "group": {"id": A.partition(":")[2]},
                    "user": {"id": "u-2"}, "text": "今晚再开一瓶赤霞珠，@成员1 一起"})
    await bot.settle()
    full = eligible(await insights.group_profiles(repo, cfg, A, now), 1)
    light = eligible(await insights.group_profiles(repo, cfg, A, now, evidence=False), 1)
    assert [p.member for p in full] == [p.member for p in light] and all(not t.evidence for p in light for t in p.tags)
    found = cluster(encode(full, 2), 2)
    before, _s = build(full, found, [], 2, "zh-CN", "Asia/Shanghai")
    newest = await newest_hits(repo, cfg, A, quoted_pairs(clustered(light, found), light, 2))
    after, _s = build(light, found, [], 2, "zh-CN", "Asia/Shanghai", newest)
    quoted = [c["evidence"] for c in before]
    assert any(e.get("text") for ev in quoted for e in ev)  # something to compare: hits with their text
    assert [c["evidence"] for c in after] == quoted
    assert "今晚再开一瓶赤霞珠，@某人 一起" in [e.get("text") for ev in quoted for e in ev]  # the newest, anonymized
    assert [{k: v for k, v in c.items() if k != "evidence"} for c in after] == \
        [{k: v for k, v in c.items() if k != "evidence"} for c in before]
