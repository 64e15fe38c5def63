"""What members and admins are told through the real app: admin commands refuse non-admins (never silence),
/help lists what the asker may run, a command with bad arguments answers its usage in Chinese, and a group
command sent privately says where it works."""

from __future__ import annotations

import itertools

import pytest

from bot.core.jobs import effective
from tests.conftest import message

NOW = 1_800_000_000.0
GROUPS = [{"id": "generic:g-1", "admins": ["generic:u-9"], "morning_report": "08:00"}]
REFUSAL = "抱歉，这是管理员命令，只有本群管理员可以使用。"
_IDS = itertools.count()


async def _bot(make_bot, groups=GROUPS):
    return await make_bot(clock=lambda: NOW, groups=groups)


async def _ask(bot, text: str, user: str = "u-1", **extra) -> list[dict]:
    eid = f"c{next(_IDS)}"
    await bot.post(message(eid, user, text, NOW, **extra))
    await bot.settle()
    replies = [r for r in bot.receiver.received if r.get("reply_to") == eid or r.get("user") == user]
    bot.receiver.received.clear()
    return replies


@pytest.mark.parametrize("text", ["/早报", "/早报 预览", "/早报 时间 06:00", "/morning time off", "/周报", "/周报 预览",
                                  "/digest 时间 fri 18:00", "/news", "/news add 周六聚会", "/资讯 添加 周六聚会",
                                  "/新闻 删除 1", "/gate", "/门槛 通过 u-5", "/审核 拒绝 u-5", "/gate list"])
async def test_non_admins_are_refused_the_report_news_and_gate_commands(make_bot, text):
    bot = await _bot(make_bot)
    [reply] = await _ask(bot, text)
    assert reply["text"] == REFUSAL and reply["group"] == "g-1"
    rt = bot.runtime
    assert await rt.repo.news.pending_news("generic:g-1") == []
    eff = await effective(rt.context, bot.config.groups["generic:g-1"], rt.jobs.jobs["morning_report"])
    assert (eff.spec, eff.source) == ("08:00", "config")


async def test_admins_run_them(make_bot):
    bot = await _bot(make_bot)
    assert "已加入早报资讯" in (await _ask(bot, "/资讯 添加 周六聚会", "u-9"))[0]["text"]
    assert "1. 周六聚会" in (await _ask(bot, "/news", "u-9"))[0]["text"]
    assert "早报时间改为 每天 09:30" in (await _ask(bot, "/早报 时间 09:30", "u-9"))[0]["text"]


async def test_help_for_a_member_lists_only_what_they_may_run(make_bot):
    bot = await _bot(make_bot)
    [reply] = await _ask(bot, "/帮助")
    text = reply["text"]
    assert "/签到 /打卡 /checkin" in text and "/活动 列表" in text
    for hidden in ("管理员命令", "/news", "/早报", "/gate", "/活动 添加", "/问卷 开始"):
        assert hidden not in text, hidden


async def test_help_for_an_admin_adds_admin_commands_with_subcommands_and_aliases(make_bot):
    bot = await _bot(make_bot)
    [reply] = await _ask(bot, "/help", "u-9")
    text = reply["text"]
    assert "管理员命令：" in text
    for shown in ("/资讯 /新闻 /news", "/资讯 添加 内容", "/资讯 删除 序号", "/早报 /morning",
                  "/早报 时间 08:00", "/门槛 通过 成员编号", "/活动 添加 星期 时间 标题", "（管理员）"):
        assert shown in text, shown


@pytest.mark.parametrize(("text", "usage"), [
    ("/news add", "用法：/news add 内容（加一条资讯）"),
    ("/资讯 添加", "用法：/资讯 添加 内容（加一条资讯）"),
    ("/活动 添加 周八 20:00 品鉴会", "用法：/活动 添加 星期 时间 标题（"),
    ("/gate approve", "用法：/gate approve 成员编号（通过某人的入群申请）"),
    ("/news rm 3", "用法：/news rm 序号（删除第几条资讯）"),  # there is no third item
])
async def test_a_usage_error_answers_in_chinese_in_the_members_spelling(make_bot, text, usage):
    bot = await _bot(make_bot)
    [reply] = await _ask(bot, text, "u-9")
    assert reply["text"].startswith(usage)


async def test_an_unknown_subcommand_lists_every_form(make_bot):
    bot = await _bot(make_bot)
    [reply] = await _ask(bot, "/资讯 发布", "u-9")
    assert reply["text"].splitlines() == ["用法：", "/资讯 添加 内容 — 加一条资讯", "/资讯 列表 — 待发的资讯",
                                          "/资讯 删除 序号 — 删除第几条资讯"]


async def test_usage_in_an_english_group(make_bot):
    bot = await _bot(make_bot, [{"id": "generic:g-1", "admins": ["generic:u-9"], "locale": "en"}])
    [reply] = await _ask(bot, "/news add", "u-9")
    assert reply["text"].startswith("Usage: /news add TEXT")


async def test_group_commands_sent_privately_say_where_they_work(make_bot):
    bot = await _bot(make_bot)
    [reply] = await _ask(bot, "/签到", "u-1", group="u-1")  # a private chat: chat id = user id
    assert reply.get("user") == "u-1" and "group" not in reply
    assert reply["text"] == "请在群里使用 /签到：这个命令针对的是所在的群，私聊里用不了。"
    [reply] = await _ask(bot, "/id", "u-1", group="u-1")
    assert reply["text"] == "你的成员编号：generic:u-1"
    [reply] = await _ask(bot, "/help", "u-1", group="u-1")
    assert "/answer" in reply["text"] and "/checkin" not in reply["text"]
