"""Issue 5 chat commands through the real app: permissions, /tag, /why, /attr, /tier, /segment, /persona, /insights."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import message

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=TZ).timestamp()
ADMIN = "u-9"
GROUPS = [{"id": "generic:g-1", "admins": ["generic:u-9"]}]
ADMIN_COMMANDS = ["/tag @u-1 +红酒", "/why u-1 红酒", "/attr u-1 城市=上海", "/tier", "/segment 红酒",
                  "/persona", "/insights", "/标签 u-1 +x", "/分群 红酒", "/洞察", "/分层", "/人群画像", "/为什么 u-1 x",
                  "/属性 u-1"]


async def bot_with(make_bot, **kw):
    return await make_bot(clock=lambda: NOW, groups=GROUPS, **kw)


def texts(bot):
    return {r.get("reply_to"): r["text"] for r in bot.receiver.received}


def private(bot, member=ADMIN):
    """What the bot sent ``member`` privately (admin lookups are answered there)."""
    return [r["text"] for r in bot.receiver.received if r.get("user") == member]


@pytest.mark.parametrize("cmd", ADMIN_COMMANDS)
async def test_non_admins_get_a_polite_refusal_and_nothing_runs(make_bot, cmd):
    bot = await bot_with(make_bot)
    await bot.post(message("m1", "u-1", "红酒真好喝", NOW - 60))
    await bot.post(message("c1", "u-2", cmd, NOW, mentions=["u-1"]))
    await bot.settle()
    [reply] = bot.receiver.received
    assert "管理员" in reply["text"] and reply["reply_to"] == "c1"
    _, p = await bot.profile("generic:u-1")
    assert p["attributes"] == {} and not any(t["source"] == "manual" for t in p["tags"])


def test_platform_group_admin_role_is_enough(tmp_path):
    from bot.core.context import Context
    from bot.core.events import ChatRef, Message, UserRef
    from bot.core.filters import is_admin
    from bot.core.render import Renderer
    from tests.conftest import make_config

    cfg = make_config(tmp_path)
    ev = Message("e", ChatRef("generic", "g-1"), UserRef("generic", "u-3"), NOW, "/tag", is_group_admin=True)
    ctx = Context(config=cfg, repo=None, render=Renderer(), event=ev, group=cfg.group("generic:g-1"))  # type: ignore[arg-type]
    assert is_admin(ctx)
    ctx.event = Message("e", ChatRef("generic", "g-1"), UserRef("generic", "u-3"), NOW, "/tag")
    assert not is_admin(ctx)


async def test_help_lists_admin_commands_with_chinese_aliases(make_bot):
    bot = await bot_with(make_bot)
    await bot.post(message("c1", ADMIN, "/help", NOW))  # admin commands are listed to admins
    await bot.settle()
    text = bot.receiver.received[0]["text"]
    for frag in ("/标签 /打标签 /tag —", "/为什么 /依据 /why —", "/属性 /attr —", "/分层 /价值分层 /tier —",
                 "/分群 /人群 /segment —", "/人群画像 /画像卡 /persona —", "/洞察 /标签关联 /insights —",
                 "/我的属性 /myattr —"):
        assert frag in text


async def test_tag_add_remove_and_rejection_until_new_evidence(make_bot):
    bot = await bot_with(make_bot)
    await bot.post(message("m1", "u-1", "赤霞珠", NOW - 3600))
    await bot.post(message("m2", "u-1", "又一瓶红酒", NOW - 1800))
    await bot.settle()
    _, p = await bot.profile("generic:u-1")
    assert any(t["name"] == "红酒" for t in p["tags"])
    await bot.post(message("c1", ADMIN, "/tag @u-1 +品鉴师 -红酒", NOW - 600, mentions=["u-1"]))
    await bot.settle()
    assert "品鉴师" in texts(bot)["c1"] and "红酒" in texts(bot)["c1"]
    _, p = await bot.profile("generic:u-1")
    tags = {t["name"]: t for t in p["tags"]}
    assert "红酒" not in tags and tags["品鉴师"]["source"] == "manual" and tags["品鉴师"]["score"] is None
    await bot.post(message("m3", "u-1", "今晚葡萄酒", NOW))  # new evidence after the rejection
    await bot.settle()
    _, p = await bot.profile("generic:u-1")
    tags = {t["name"]: t for t in p["tags"]}
    assert tags["红酒"]["score"] == pytest.approx(1.0, abs=0.01)
    assert [e["message"] for e in tags["红酒"]["evidence"]] == ["m3"]


async def test_why_shows_evidence_without_text_when_text_is_not_stored(make_bot):
    bot = await bot_with(make_bot)
    await bot.post(message("m1", "u-1", "秘密：赤霞珠", NOW - 60, name="张三"))
    await bot.post(message("c1", ADMIN, "/why @张三 红酒", NOW))
    await bot.settle()
    [t] = private(bot)
    assert "m1" not in t and "11月" in t and "赤霞珠" in t and "秘密" not in t and "张三" in t


async def test_why_quotes_text_only_when_stored(make_bot):
    bot = await bot_with(make_bot, storage={"store_text": True})
    await bot.post(message("m1", "u-1", "秘密：赤霞珠", NOW - 60, name="张三"))
    await bot.post(message("c1", ADMIN, "/why u-1 红酒", NOW))
    await bot.settle()
    assert "秘密" in private(bot)[0]


async def test_attributes_set_by_admin_seen_privately(make_bot):
    bot = await bot_with(make_bot)
    await bot.post(message("m1", "u-1", "你好", NOW - 60))
    await bot.post(message("c1", ADMIN, "/attr u-1 城市=上海 年龄段=30-39", NOW - 30))
    await bot.settle()
    _, p = await bot.profile("generic:u-1")
    assert p["attributes"]["城市"]["value"] == "上海" and p["attributes"]["城市"]["source"] == "manual"
    bot.receiver.received.clear()
    await bot.post(message("c2", "u-1", "/我的属性", NOW))
    await bot.settle()
    [dm] = bot.receiver.received
    assert dm.get("user") == "u-1" and "group" not in dm and "上海" in dm["text"]


async def test_tier_breakdown_preview_and_save(make_bot):
    bot = await bot_with(make_bot)
    for d in range(20):
        await bot.post(message(f"a{d}", "u-1", "聊天", NOW - d * 86400 - 60))
    await bot.post(message("b0", "u-2", "路过", NOW - 20 * 86400))
    await bot.settle()
    _, p = await bot.profile("generic:u-1")
    assert p["tier"] in ("core", "high")
    await bot.post(message("c1", ADMIN, "/tier @u-1", NOW, mentions=["u-1"]))
    await bot.post(message("c2", ADMIN, "/tier preview recency=0 frequency=0 contribution=1", NOW))
    await bot.settle()
    member, preview = private(bot)
    assert "近因" in member and "频率" in member and "贡献" in member
    assert "预览" in preview and "→ 普通" in preview
    _, p = await bot.profile("generic:u-1")
    assert p["tier"] != "ordinary"  # a preview changes nothing
    await bot.post(message("c3", ADMIN, "/tier save recency=0 frequency=0 contribution=1", NOW))
    await bot.settle()
    _, p = await bot.profile("generic:u-1")
    assert p["tier"] == "ordinary"
