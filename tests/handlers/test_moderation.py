"""Moderation through the real app on the generic adapter, which can delete, mute and remove nothing: observe
vs enforce, each rule and its false positives, the ladder over its window, admins immune, the admins told
privately where the platform cannot act, and the admin commands."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import message

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=TZ).timestamp()
ADMIN = "u-9"
SETTLED = {"newcomer_days": 0, "newcomer_messages": 0}  # every member counts as established


def groups(mode: str = "observe", **moderation):
    return [{"id": "generic:g-1", "admins": ["generic:u-9"], "moderation": {"mode": mode, **moderation}},
            {"id": "generic:g-2", "admins": ["generic:u-9"], "moderation": {"mode": mode, **moderation}},
            {"id": "generic:g-3", "admins": ["generic:u-9"], "moderation": {"mode": mode, **moderation}}]


class Clock:
    def __init__(self, t: float = NOW) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


async def bot_with(make_bot, mode="observe", clock=None, **moderation):
    return await make_bot(clock=clock or (lambda: NOW), groups=groups(mode, **moderation))


def to_admin(bot):
    return [r["text"] for r in bot.receiver.received if r.get("user") == ADMIN]


def in_group(bot, group="g-1"):
    return [r for r in bot.receiver.received if r.get("group") == group]


async def say(bot, eid, text, user="u-1", t=NOW, group="g-1", **kw):
    await bot.post(message(eid, user, text, t, group=group, name="小王" if user == "u-1" else user, **kw))
    await bot.settle()


@pytest.mark.parametrize("text,seen", [
    ("加V了解一下，包你满意", "加v"), ("想要的加ｖｘ", "加v"), ("有意者＋薇", "+薇"), ("加微信详聊", "加微"),
    ("我的扣扣 12345678 随时找我", "QQ 号"), ("电话 138-0013-8000", "手机号"), ("微信 wxid_abc12 拉你进群", "微信号"),
    ("代購正品，量大從優", "代购"), ("点这里 http://spam.top/x 领红包", "spam.top"),
    ("看看 cheap-deals.xyz", "cheap-deals.xyz"),
])
async def test_observe_reports_contact_and_ads_privately_and_does_nothing_in_the_group(make_bot, text, seen):
    bot = await bot_with(make_bot, **SETTLED)
    await say(bot, "m1", text)
    [report] = to_admin(bot)
    assert "观察模式" in report and "小王" in report and seen in report and "测试" not in text
    assert "警告" in report and "没有执行任何操作" in report
    assert in_group(bot) == []


@pytest.mark.parametrize("text", [
    "我们下午3点见，门票 120 元，订单号 20261120", "官网 https://example.com/help 有说明", "见 shop.example.com",
    "微信群里说了", "这瓶红酒 3.5 折", "加VIP会员有折扣吗", "老师不接单的", "2026-11-20 13:00 开始",
])
async def test_normal_messages_and_allowlisted_links_are_fine(make_bot, text):
    bot = await bot_with(make_bot, link_allowlist=["example.com"], **SETTLED)
    await say(bot, "m1", text)
    assert bot.receiver.received == []


async def test_sensitive_words_from_config_and_file_with_exceptions(make_bot, tmp_path):
    (tmp_path / "words.txt").write_text("# 每行一个\n博彩\n", encoding="utf-8")
    bot = await bot_with(make_bot, sensitive_words=["赌球"], sensitive_words_file="words.txt",
                         sensitive_exceptions=["反赌球"], **SETTLED)
    await say(bot, "m1", "今晚一起赌球吗")
    await say(bot, "m2", "社区在搞反赌球宣传", user="u-2")
    await say(bot, "m3", "有博彩网站", user="u-3")
    reports = to_admin(bot)
    assert len(reports) == 2 and "敏感词（赌球）" in reports[0] and "敏感词（博彩）" in reports[1]


async def test_flood_and_repeats_are_one_decision_each(make_bot):
    bot = await bot_with(make_bot, flood_messages=4, flood_seconds=10, **SETTLED)
    for i in range(5):
        await say(bot, f"f{i}", f"第{i}句", t=NOW + i)
    assert len(to_admin(bot)) == 1 and "刷屏" in to_admin(bot)[0]
    for i in range(3):
        await say(bot, f"r{i}", "快来看看", user="u-2", t=NOW + 20 + i * 10)
    assert len(to_admin(bot)) == 2 and "重复刷屏" in to_admin(bot)[1]
    for i in range(3):  # a calm member saying different things is fine
        await say(bot, f"c{i}", f"话题{i}", user="u-3", t=NOW + 100 + i * 30)
    assert len(to_admin(bot)) == 2


async def test_the_same_text_in_several_of_our_groups_is_a_spam_wave(make_bot):
    bot = await bot_with(make_bot, wave_groups=3, wave_minutes=10, **SETTLED)
    for i, g in enumerate(("g-1", "g-2", "g-3")):
        await say(bot, f"w{i}", "限时福利，名额有限", group=g, t=NOW + i * 60)
    [report] = to_admin(bot)
    assert "多个群" in report


async def test_admins_are_never_checked(make_bot):
    bot = await bot_with(make_bot, mode="enforce", **SETTLED)
    await say(bot, "m1", "加V了解一下", user=ADMIN)
    await say(bot, "m2", "代购请私聊我", user=ADMIN, group="g-2")  # platform admins: test_moderation_wire.py
    assert bot.receiver.received == []


async def test_off_means_nothing_happens(make_bot):
    bot = await bot_with(make_bot, mode="off")
    await say(bot, "m1", "加V了解一下")
    assert bot.receiver.received == []


async def test_enforce_without_platform_actions_warns_in_the_group_and_tells_admins_what_it_could_not_do(make_bot):
    bot = await bot_with(make_bot, mode="enforce", **SETTLED)
    await say(bot, "m1", "加V了解一下")
    [warning] = in_group(bot)
    assert "u-1" in warning["mentions"] and "第 1 次提醒" in warning["text"] and "联系方式" in warning["text"]
    [report] = to_admin(bot)
    assert "需要你处理" in report and "删除消息" in report
    await say(bot, "m2", "加V了解一下", t=NOW + 60)  # the second rung is a mute: the platform cannot
    assert len(in_group(bot)) == 1
    assert "禁言 10分钟" in to_admin(bot)[-1] and "请手动处理" in to_admin(bot)[-1]


async def test_newcomers_skip_the_warning_for_contact_and_ads(make_bot):
    bot = await bot_with(make_bot, mode="observe", newcomer_days=3, newcomer_messages=5)
    await say(bot, "m1", "加V了解一下")
    assert "第 2 级" in to_admin(bot)[0] and "禁言 10分钟" in to_admin(bot)[0]


async def test_the_violating_message_itself_counts_toward_leaving_newcomer_status(make_bot):
    bot = await bot_with(make_bot, mode="observe", newcomer_days=0, newcomer_messages=3)
    for user, earlier in (("u-1", ["你好", "今天天气不错"]), ("u-2", ["你好"])):
        for i, text in enumerate(earlier):
            await say(bot, f"{user}-m{i}", text, user=user)
        await say(bot, f"{user}-ad", "加V了解一下", user=user)
    third, second = to_admin(bot)
    assert "第 1 级" in third and "警告" in third  # its third message: no longer a newcomer
    assert "第 2 级" in second and "禁言 10分钟" in second  # its second: still one


async def test_a_late_first_message_is_judged_by_when_it_was_sent(make_bot):
    bot = await bot_with(make_bot, mode="observe", newcomer_days=1, newcomer_messages=0)
    await say(bot, "m1", "加V了解一下", t=NOW - 2 * 86400)  # first seen two days ago, by this very message
    assert "第 1 级" in to_admin(bot)[0] and "警告" in to_admin(bot)[0]


async def test_the_ladder_climbs_within_its_window_and_starts_over_after_it(make_bot):
    clock = Clock()
    bot = await bot_with(make_bot, clock=clock, ladder=["warn", "mute:1h", "kick"], ladder_window_days=7,
                         **SETTLED)
    steps = []
    for i in range(4):
        clock.t = NOW + i * 3600
        await say(bot, f"m{i}", "加V了解一下", t=clock.t)
        steps.append(to_admin(bot)[-1])
    assert ["警告" in steps[0], "禁言 1小时" in steps[1], "移出本群" in steps[2], "移出本群" in steps[3]] == [True] * 4
    clock.t = NOW + 8 * 86400
    await say(bot, "m9", "加V了解一下", t=clock.t)
    assert "第 1 级" in to_admin(bot)[-1] and "警告" in to_admin(bot)[-1]


async def test_modlog_lists_decisions_privately_with_names_and_local_times(make_bot):
    bot = await bot_with(make_bot, **SETTLED)
    await say(bot, "m1", "加V了解一下")
    await say(bot, "c1", "/管理记录 @u-1", user=ADMIN, mentions=["u-1"])
    log = to_admin(bot)[-1]
    assert "小王" in log and "11月20日 12:00" in log and "观察模式，未执行" in log and "不支持" in log
    assert [r["text"] for r in in_group(bot)] == ["查询结果已私信发给你。"]


async def test_admin_commands_and_their_refusals(make_bot):
    bot = await bot_with(make_bot, mode="enforce")
    await say(bot, "m0", "大家好")
    await say(bot, "c1", "/warn @u-1 发广告", user=ADMIN, mentions=["u-1"])
    warning = in_group(bot)[-1]
    assert "u-1" in warning["mentions"] and "第 1 次提醒" in warning["text"]
    assert "已对 小王" in to_admin(bot)[-1] and "第 1 次警告" in to_admin(bot)[-1]
    await say(bot, "c2", "/警告 @u-1", user=ADMIN, mentions=["u-1"])
    assert "第 2 次提醒" in in_group(bot)[-1]["text"]
    await say(bot, "c3", "/禁言 @u-1 10m", user=ADMIN, mentions=["u-1"])
    assert "不支持" in in_group(bot)[-1]["text"] and in_group(bot)[-1]["reply_to"] == "c3"
    await say(bot, "c4", "/mute @u-1 soon", user=ADMIN, mentions=["u-1"])
    assert "/mute" in in_group(bot)[-1]["text"] or "禁言" in in_group(bot)[-1]["text"]
    await say(bot, "c5", "/kick @u-9", user=ADMIN, mentions=["u-9"])
    assert "管理员" in in_group(bot)[-1]["text"]
    before = len(bot.receiver.received)
    for i, cmd in enumerate(["/warn @u-2", "/mute @u-2 10m", "/unmute @u-2", "/kick @u-2", "/modlog", "/踢出 @u-2"]):
        await say(bot, f"x{i}", cmd, user="u-1", mentions=["u-2"])
    refusals = bot.receiver.received[before:]
    assert len(refusals) == 6 and all("管理员" in r["text"] for r in refusals)


async def test_english_locale(make_bot):
    bot = await make_bot(clock=lambda: NOW, groups=[{"id": "generic:g-1", "admins": ["generic:u-9"],
                                                      "locale": "en", "moderation": {"mode": "observe", **SETTLED}}])
    await say(bot, "m1", "加V了解一下")
    [report] = to_admin(bot)
    assert "observe mode" in report and "contact details" in report and "warning" in report
    assert not any("\u4e00" <= c <= "\u9fff" for c in report.replace("加v", "").replace("小王", ""))
