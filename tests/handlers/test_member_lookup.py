"""Admin commands act on the member the admin meant: an @-mention or an exact id first, a display name only when
it is unique (else the candidates are listed and nothing happens), and no wildcard reaches the database."""

from __future__ import annotations

import itertools

import pytest

from tests.conftest import message

NOW = 1_800_000_000.0
GROUPS = [{"id": "generic:g-1", "admins": ["generic:u-9"]}]
_EVENT_IDS = itertools.count()


async def _bot(make_bot, *members: tuple[str, str]):
    bot = await make_bot(clock=lambda: NOW, groups=GROUPS)
    for i, (member, name) in enumerate(members):
        await bot.post(message(f"m{i}", member, "大家好", NOW - 600 + i, name=name))
    await bot.post(message("m-admin", "u-9", "我是管理员", NOW - 60, name="管理员"))
    await bot.settle()
    bot.receiver.received.clear()
    return bot


async def _command(bot, text: str, mentions: list[str] | None = None) -> str:
    extra = {"mentions": mentions} if mentions else {}
    eid = f"c{next(_EVENT_IDS)}"
    await bot.post(message(eid, "u-9", text, NOW, name="管理员", **extra))
    await bot.settle()
    replies = [r["text"] for r in bot.receiver.received if r.get("reply_to") == eid]
    bot.receiver.received.clear()
    return replies[0]


async def _attrs(bot, member: str) -> dict:
    _status, p = await bot.profile(f"generic:{member}")
    return p["attributes"]


async def test_a_display_name_equal_to_an_id_does_not_redirect_the_command(make_bot):
    # u-2 renamed themselves to the victim's id and spoke last: the id still wins.
    bot = await _bot(make_bot, ("u-victim", "小王"), ("u-2", "u-victim"))
    reply = await _command(bot, "/attr u-victim 会员=是")
    assert (await _attrs(bot, "u-victim"))["会员"]["value"] == "是"
    assert await _attrs(bot, "u-2") == {}
    assert "小王" in reply and "u-victim" in reply


@pytest.mark.parametrize("token", ["%", "_", "u_1", "%u-1", "*", "generic:%"])
async def test_wildcards_are_ordinary_characters(make_bot, token):
    bot = await _bot(make_bot, ("u-1", "张三"))
    reply = await _command(bot, f"/attr {token} 会员=是")
    assert f"没有找到成员「{token}」" in reply
    assert await _attrs(bot, "u-1") == {} and await _attrs(bot, "u-9") == {}


@pytest.mark.parametrize("command", ["/attr 张三 会员=是", "/tag 张三 +vip", "/why 张三 红酒", "/tier 张三",
                                     "/属性 张三 会员=是", "/为什么 @张三 红酒"])
async def test_an_ambiguous_name_lists_the_candidates_and_does_nothing(make_bot, command):
    bot = await _bot(make_bot, ("u-1", "张三"), ("u-2", "张三"), ("u-3", "李四"))
    reply = await _command(bot, command)
    assert "不止一位成员叫「张三」" in reply and "张三（编号 u-1）" in reply and "张三（编号 u-2）" in reply
    assert "李四" not in reply
    for member in ("u-1", "u-2"):
        _status, p = await bot.profile(f"generic:{member}")
        assert p["attributes"] == {} and not any(t["source"] == "manual" for t in p["tags"])


async def test_the_admin_picks_by_id_or_mention_after_an_ambiguous_name(make_bot):
    bot = await _bot(make_bot, ("u-1", "张三"), ("u-2", "张三"))
    assert "张三（编号 u-2）" in await _command(bot, "/tag u-2 +vip")
    assert "张三（编号 u-1）" in await _command(bot, "/attr @张三 城市=上海", mentions=["u-1"])
    assert "城市" in await _attrs(bot, "u-1") and await _attrs(bot, "u-2") == {}
    _status, p = await bot.profile("generic:u-2")
    assert [t["name"] for t in p["tags"] if t["source"] == "manual"] == ["vip"]


async def test_a_unique_name_and_a_full_id_both_work(make_bot):
    bot = await _bot(make_bot, ("u-1", "张三"), ("u-2", "李四"))
    assert "张三（编号 u-1）" in await _command(bot, "/attr 张三 城市=上海")
    assert "李四（编号 u-2）" in await _command(bot, "/attr generic:u-2 城市=北京")
    assert (await _attrs(bot, "u-1"))["城市"]["value"] == "上海"
    assert (await _attrs(bot, "u-2"))["城市"]["value"] == "北京"


async def test_an_unknown_member_is_said_so(make_bot):
    bot = await _bot(make_bot, ("u-1", "张三"))
    for command in ("/why 王五 红酒", "/tier 王五", "/tag 王五 +x"):
        assert "没有找到成员「王五」" in await _command(bot, command)
