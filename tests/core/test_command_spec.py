"""The declarative command spec: names and aliases, subcommands, typed arguments, usage errors, /help."""

from __future__ import annotations

import pytest

from bot.core.arguments import Integer, Keyword, Maybe, Member, MemberRef, Text, TimeOfDay, Weekday, Word
from bot.core.commands import ANYWHERE, INVOCATION, PRIVATE, CommandSpec, Sub, bare, parse_command
from bot.core.data import Data
from bot.core.usage import help_entries, reply_usage, usage_lines
from tests.core._dispatch_helpers import base, for_message, msg

CONTENT, INDEX = Text("内容", "TEXT"), Integer("序号", "N")
NEWS = CommandSpec("news", ("资讯", "新闻"), "早报资讯", admin=True, default="list", subs=(
    Sub("add", ("添加", "加"), "加一条资讯", (CONTENT,)),
    Sub("list", ("列表",), "待发的资讯"),
    Sub("rm", ("删除",), "删除第几条", (INDEX,)),
))
WHO = Member("成员", "MEMBER")
TIER = CommandSpec("tier", ("分层",), "价值分层", admin=True, subs=(
    bare("summary", "各层人数"),
    bare("member", "某位成员", WHO),
    Sub("save", ("保存",), "保存权重", (Maybe(Text("权重", "W")),)),
))
DAY, AT, TITLE = Weekday("星期", "DAY"), TimeOfDay("时间", "HH:MM"), Text("标题", "TITLE")
ACTIVITY = CommandSpec("activity", ("活动",), "每周活动", default="list", subs=(
    Sub("list", ("列表",), "本群的活动"), Sub("add", ("添加",), "添加活动", (DAY, AT, TITLE), admin=True),
))
ME = CommandSpec("me", ("我的画像",), "查看我的画像")
LINK = CommandSpec("link", ("绑定",), "私信领取绑定码", chat=PRIVATE)
HELP = CommandSpec("help", ("帮助",), "命令列表", chat=ANYWHERE)


def invoke(spec: CommandSpec, text: str, mentions: tuple[str, ...] = ()):
    command = parse_command(text)
    assert command is not None
    return spec.invoke(command, msg(text, mentions=mentions))


def test_the_name_and_every_alias_case_insensitively_and_nothing_else():
    for text in ("/news", "/NEWS", "/资讯", "／新闻"):
        assert invoke(NEWS, text) is not None, text
    assert invoke(NEWS, "/newsletter") is None and invoke(ME, "/news") is None


def test_a_subcommand_by_name_or_alias_with_its_typed_arguments():
    inv = invoke(NEWS, "/资讯 添加 周六  线下聚会")
    assert inv.ok and inv.sub.name == "add" and inv.typed == "资讯" and inv.typed_sub == "添加"
    assert inv.values[CONTENT] == "周六  线下聚会"  # free text keeps its inner spacing
    inv = invoke(NEWS, "/news RM ４")  # full-width digits are read after NFKC
    assert inv.ok and inv.sub.name == "rm" and inv.values[INDEX] == 4


def test_the_bare_command_runs_the_default_subcommand():
    inv = invoke(NEWS, "/news")
    assert inv.ok and inv.sub.name == "list"


def test_forms_without_a_keyword_are_told_apart_by_their_arguments():
    assert invoke(TIER, "/tier").sub.name == "summary"
    inv = invoke(TIER, "/分层 张三")
    assert inv.sub.name == "member" and inv.values[WHO] == MemberRef(None, "张三")
    inv = invoke(TIER, "/tier @张三", mentions=("u-2",))  # the mention names the member; the @word is skipped
    assert inv.sub.name == "member" and inv.values[WHO] == MemberRef("generic:u-2", "")
    assert invoke(TIER, "/tier 张三 李四").ok is False  # a form without a keyword must use every word


def test_missing_or_malformed_arguments_are_a_usage_error_of_that_subcommand():
    for text in ("/news add", "/news rm", "/news rm 𐩀", "/news rm -1"):
        inv = invoke(NEWS, text)
        assert inv.sub is not None and inv.sub.name in ("add", "rm") and not inv.ok, text


def test_an_unknown_subcommand_is_a_usage_error_of_the_command():
    inv = invoke(NEWS, "/news publish now")
    assert inv.sub is None and not inv.ok and inv.admin_only


def test_words_after_a_keyword_forms_arguments_are_ignored_as_before():
    assert invoke(NEWS, "/news list please").ok
    assert invoke(ME, "/me 看看").ok


def test_time_of_day_weekday_and_text_arguments():
    inv = invoke(ACTIVITY, "/activity add 周三 8:05 红酒 品鉴会")
    assert inv.ok and (inv.values[DAY], inv.values[AT], inv.values[TITLE]) == (2, "08:05", "红酒 品鉴会")
    assert not invoke(ACTIVITY, "/activity add 周八 20:00 x").ok
    assert not invoke(ACTIVITY, "/activity add 周三 25:00 x").ok
    assert not invoke(ACTIVITY, "/activity add 周三 20:00").ok


def test_keyword_word_and_optional_arguments():
    name, notice = Word("名称", "NAME"), Maybe(Text("文本", "TEXT"))
    spec = CommandSpec("segment", (), "分群", subs=(
        bare("notify", "通知", name, Keyword("notify", "通知"), notice),
        bare("query", "查询", Text("查询", "QUERY")),
    ))
    inv = invoke(spec, "/segment 红酒控 通知 周六见")
    assert inv.sub.name == "notify" and inv.values[name] == "红酒控" and inv.values[notice] == "周六见"
    inv = invoke(spec, "/segment 红酒控 NOTIFY")
    assert inv.sub.name == "notify" and inv.values[notice] is None
    assert invoke(spec, "/segment 红酒&摄影").sub.name == "query"


def test_an_optional_member_is_still_found_by_a_mention_alone():
    someone = Maybe(Member("成员", "MEMBER"))
    spec = CommandSpec("rank", (), "排行", args=(someone,))
    assert invoke(spec, "/rank").values[someone] is None
    assert invoke(spec, "/rank", mentions=("u-2",)).values[someone] == MemberRef("generic:u-2", "")


def test_who_may_run_it_is_per_command_or_per_subcommand():
    assert invoke(NEWS, "/news").admin_only
    assert not invoke(ACTIVITY, "/activity").admin_only
    assert invoke(ACTIVITY, "/activity add 周三 20:00 品鉴").admin_only
    assert invoke(ACTIVITY, "/activity add").admin_only  # refused before its usage is shown


@pytest.mark.parametrize(("spec", "error"), [
    (dict(args=(CONTENT,), subs=(Sub("a"),)), "arguments belong to its subcommands"),
    (dict(subs=(Sub("a"), Sub("a", ("b",)))), "two subcommands named alike"),
    (dict(default="a", subs=(Sub("a", (), "", (CONTENT,)),)), "default subcommand takes no arguments"),
    (dict(chat="channel"), "chat must be"),
])
def test_a_spec_that_cannot_work_is_refused_when_written(spec, error):
    with pytest.raises(ValueError, match=error):
        CommandSpec("x", (), "x", **spec)


def test_usage_lines_follow_the_members_spelling():
    [line] = usage_lines(invoke(NEWS, "/资讯 添加"), "zh-CN", admin=True)
    assert line.usage == "/资讯 添加 内容" and line.help == "加一条资讯"
    [line] = usage_lines(invoke(NEWS, "/news add"), "en", admin=True)
    assert line.usage == "/news add TEXT"
    lines = usage_lines(invoke(NEWS, "/资讯 发布"), "zh-CN", admin=True)
    assert [x.usage for x in lines] == ["/资讯 添加 内容", "/资讯 列表", "/资讯 删除 序号"]


def test_after_an_unknown_subcommand_members_see_only_what_they_may_run():
    inv = invoke(ACTIVITY, "/activity 发布")
    assert [x.usage for x in usage_lines(inv, "zh-CN", admin=False)] == ["/activity list"]
    assert len(usage_lines(inv, "zh-CN", admin=True)) == 2


async def test_the_usage_reply_is_rendered_per_locale(tmp_path):
    for locale, expected in (("zh-CN", "用法：/news add 内容（加一条资讯）"),
                             ("en", "Usage: /news add TEXT (add a news item)")):
        ctx = for_message(base(tmp_path, locale=locale), msg("/news add"))
        ctx.data = Data.of(INVOCATION, invoke(NEWS, "/news add"))
        await reply_usage(ctx)
        assert ctx.texts == [expected]
        assert ctx.sent[0].reply_to == "e-1"


def test_help_shows_members_only_what_they_may_run():
    specs = [NEWS, ACTIVITY, ME, TIER, LINK, HELP]
    everyone, admins = help_entries(specs, "zh-CN", admin=False)
    assert [e.name for e in everyone] == ["activity", "me", "help"] and admins == []
    [activity] = [e for e in everyone if e.name == "activity"]
    assert [f.usage for f in activity.forms] == ["/活动 列表"]  # in the spelling a Chinese member types


def test_help_shows_admins_admin_commands_with_every_subcommand_and_alias():
    everyone, admins = help_entries([NEWS, ACTIVITY, ME, TIER], "zh-CN", admin=True)
    assert [e.name for e in admins] == ["news", "tier"] and [e.name for e in everyone] == ["activity", "me"]
    news = admins[0]
    assert news.aliases == ("资讯", "新闻")
    assert [(f.usage, f.help) for f in news.forms] == [
        ("/资讯 添加 内容", "加一条资讯"), ("/资讯 列表", "待发的资讯"), ("/资讯 删除 序号", "删除第几条")]
    assert news.spellings == "/资讯 /新闻 /news"
    assert [f.usage for f in admins[1].forms] == ["/分层", "/分层 成员", "/分层 保存 [权重]"]
    activity = everyone[0]  # a member command with admin-only subcommands: those are marked
    assert [(f.usage.split()[1], f.admin) for f in activity.forms] == [("列表", False), ("添加", True)]


def test_help_in_a_private_chat_lists_what_works_there():
    everyone, _ = help_entries([NEWS, ME, LINK, HELP], "zh-CN", admin=False, private=True)
    assert [e.name for e in everyone] == ["link", "help"]
