"""Each middleware on its own: the member rate limit, private-chat gating, and the one admin refusal."""

from __future__ import annotations

import logging

from bot.core.arguments import Text
from bot.core.commands import ANYWHERE, PRIVATE, CommandSpec, Sub
from bot.core.events import ChatRef, JoinRequest, UserRef
from bot.core.middleware import AdminOnly, ChatGate, MemberRateLimit
from bot.core.routing import CommandFilter
from tests.core._dispatch_helpers import ADMIN, NOW, base, for_message, msg

ME = CommandSpec("me", ("我的画像",), "查看我的画像")
HELP = CommandSpec("help", ("帮助",), "命令列表", chat=ANYWHERE)
LINK = CommandSpec("link", ("绑定",), "私信领取绑定码", chat=PRIVATE)
NEWS = CommandSpec("news", ("资讯",), "早报资讯", admin=True, default="list", subs=(
    Sub("list", ("列表",), "待发的资讯"), Sub("add", ("添加",), "加一条", (Text("内容", "TEXT"),))))
ACTIVITY = CommandSpec("activity", ("活动",), "每周活动", default="list", subs=(
    Sub("list", ("列表",), "本群的活动"), Sub("rm", ("删除",), "删除", admin=True)))


class Next:
    """The rest of the chain: records that it was reached."""

    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self, ctx) -> None:
        self.calls += 1


def command(tmp_path, spec: CommandSpec, text: str, user: str = "u-1", private: bool = False, **kw):
    ctx = for_message(base(tmp_path, **kw), msg(text, user, private=private))
    ctx.data = CommandFilter(spec).check(ctx)
    assert ctx.data is not None
    return ctx


async def test_the_rate_limit_counts_per_member_and_chat_within_a_minute(tmp_path, caplog):
    clock = [NOW]
    limit, nxt = MemberRateLimit(2), Next()
    ctx = base(tmp_path, clock=lambda: clock[0])
    with caplog.at_level(logging.WARNING, "quntag.dispatch"):
        for user in ("u-1", "u-1", "u-1", "u-2"):
            await limit(for_message(ctx, msg("签到", user)), nxt)
    assert nxt.calls == 3 and "member rate limit: generic:u-1" in caplog.text
    clock[0] += 60  # the window has passed
    await limit(for_message(ctx, msg("签到", "u-1")), nxt)
    assert nxt.calls == 4


async def test_the_rate_limit_is_off_at_zero_and_never_counts_other_events(tmp_path):
    nxt = Next()
    ctx = base(tmp_path)
    for _ in range(50):
        await MemberRateLimit(0)(for_message(ctx, msg("/id")), nxt)
    request = JoinRequest("j", ChatRef("generic", "g-1"), UserRef("generic", "u-5"), NOW)
    limit = MemberRateLimit(1)
    for _ in range(3):
        await limit(ctx.for_event(None, request, None), nxt)
    assert nxt.calls == 53


async def test_group_commands_in_a_private_chat_are_told_where_to_go(tmp_path):
    nxt = Next()
    ctx = command(tmp_path, ME, "/我的画像", private=True)
    await ChatGate()(ctx, nxt)
    assert nxt.calls == 0 and ctx.texts == ["请在群里使用 /我的画像：这个命令针对的是所在的群，私聊里用不了。"]
    assert ctx.sent[0].target == UserRef("generic", "u-1")  # answered in the private chat it came from


async def test_private_commands_in_a_group_are_told_too_and_anywhere_commands_run_anywhere(tmp_path):
    nxt = Next()
    ctx = command(tmp_path, LINK, "/link", locale="en")
    await ChatGate()(ctx, nxt)
    assert nxt.calls == 0 and ctx.texts == ["Please send /link to me privately, not in the group."]
    for private in (True, False):
        await ChatGate()(command(tmp_path, HELP, "/help", private=private), nxt)
    await ChatGate()(command(tmp_path, ME, "/me"), nxt)
    await ChatGate()(for_message(base(tmp_path), msg("我来品酒的", private=True)), nxt)  # not a command: passes
    assert nxt.calls == 4


async def test_admin_commands_refuse_everyone_else_in_one_place(tmp_path):
    nxt = Next()
    for text in ("/news", "/资讯 添加 周六聚会", "/news add", "/news 乱写"):  # bad arguments are refused first too
        ctx = command(tmp_path, NEWS, text)
        await AdminOnly()(ctx, nxt)
        assert ctx.texts == ["抱歉，这是管理员命令，只有本群管理员可以使用。"], text
    await AdminOnly()(command(tmp_path, NEWS, "/news add 周六聚会", ADMIN), nxt)
    assert nxt.calls == 1


async def test_admin_only_subcommands_of_member_commands(tmp_path):
    nxt = Next()
    await AdminOnly()(command(tmp_path, ACTIVITY, "/activity"), nxt)
    refused = command(tmp_path, ACTIVITY, "/activity 删除")
    await AdminOnly()(refused, nxt)
    await AdminOnly()(command(tmp_path, ACTIVITY, "/activity rm", ADMIN), nxt)
    await AdminOnly()(for_message(base(tmp_path), msg("签到")), nxt)  # no command: nothing to refuse
    assert nxt.calls == 3 and refused.texts == ["抱歉，这是管理员命令，只有本群管理员可以使用。"]
