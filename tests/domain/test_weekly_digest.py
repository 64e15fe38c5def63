"""The weekly digest's member numbers: lifecycle moves only between real stages, and 潜水 as one definition."""

from __future__ import annotations

from bot.domain import reports as report_texts
from bot.domain.reports.weekly import build_weekly, gather_weekly
from tests.conftest import message
from tests.handlers.test_operations import Clock, ts

GROUPS = [{"id": "generic:g-1", "name": "酒友群", "admins": ["generic:u-9"]}]


def joined(eid: str, user: str, t: float, name: str = "") -> dict[str, object]:
    return {"id": eid, "type": "member_joined", "time": t, "group": {"id": "g-1"},
            "user": {"id": user, **({"name": name} if name else {})}}


async def group_with_a_week(make_bot, **sections):
    """Monday 2026-11-30; the digest covers 11-23 … 11-29. u-1 chats every day since 11-01; u-5 joins this
    week and stays silent, u-6 joins this week and talks."""
    clock = Clock(ts("2026-11-30 09:00"))
    bot = await make_bot(clock=clock, groups=GROUPS, **sections)
    await bot.post(joined("j1", "u-1", ts("2026-11-01 10:00"), "老周"))
    for day in range(1, 30):
        await bot.post(message(f"a{day}", "u-1", "今天开了一瓶赤霞珠", ts(f"2026-11-{day:02d} 20:00"), name="老周"))
    await bot.post(joined("j5", "u-5", ts("2026-11-26 10:00"), "新来的"))
    await bot.post(joined("j6", "u-6", ts("2026-11-27 10:00"), "小六"))
    await bot.post(message("b1", "u-6", "大家好", ts("2026-11-27 11:00"), name="小六"))
    await bot.settle()
    return bot, clock


async def test_someone_who_joined_this_week_moved_from_nowhere(make_bot):
    bot, clock = await group_with_a_week(make_bot)
    rt = bot.runtime
    group = bot.config.groups["generic:g-1"]
    data = await gather_weekly(rt.repo, bot.config, group, clock.t)
    assert data["before"]["generic:u-5"].lifecycle is None  # not yet in the group when the week began
    assert data["after"]["generic:u-5"].lifecycle == "new"
    assert build_weekly(data, "zh-CN")["moves"] == []
    text = (await report_texts.weekly(rt.repo, rt.context.render, bot.config, group, clock.t)).plain()
    assert "新人 2（上周 0）" in text and "沉睡→新人" not in text and "阶段变化" not in text


async def test_the_digest_lists_the_lurkers_the_tag_names_by_name(make_bot):
    """潜水 = in the group 14+ days with at most 1 message, no admin, not left: the tag and the digest agree; the
    digest shows names (a member known by id alone is counted, not shown) and never this week's newcomers."""
    bot, clock = await group_with_a_week(make_bot)
    long_ago = ts("2026-11-02 10:00")
    await bot.post(joined("j7", "u-7", long_ago, "潜水君"))
    await bot.post(message("c7", "u-7", "就说一句", long_ago + 60, name="潜水君"))
    await bot.post(joined("j8", "u-8", long_ago))  # never named: counted, never shown as "u-8"
    await bot.post(joined("j10", "u-10", long_ago, "走了的"))
    await bot.post({"id": "l10", "type": "member_left", "time": ts("2026-11-20 10:00"), "group": {"id": "g-1"},
                    "user": {"id": "u-10"}})
    await bot.post(joined("j11", "u-11", long_ago, "话多的"))
    for i in range(3):
        await bot.post(message(f"d{i}", "u-11", f"第{i}句", long_ago + 600 + i, name="话多的"))
    for i in range(20):  # the admin runs the group with commands only
        await bot.post(message(f"adm{i}", "u-9", "/tier", ts("2026-11-03 09:00") + i * 86400, name="群主"))
    await bot.settle()
    rt = bot.runtime
    tagged = set()
    for member in ("u-1", "u-5", "u-6", "u-7", "u-8", "u-9", "u-11"):
        _, p = await bot.profile(f"generic:{member}")
        if "潜水" in [t["name"] for t in p["tags"]]:
            tagged.add(member)
    assert tagged == {"u-7", "u-8"}
    group = bot.config.groups["generic:g-1"]
    digest = build_weekly(await gather_weekly(rt.repo, bot.config, group, clock.t), "zh-CN")
    assert digest["lurkers"] == 2 and digest["lurker_names"] == ["潜水君"]
    text = (await report_texts.weekly(rt.repo, rt.context.render, bot.config, group, clock.t)).plain()
    assert "潜水成员：2 人（潜水君 等）" in text
    for absent in ("u-8", "generic:", "群主", "新来的", "走了的"):
        assert absent not in text, absent


async def test_a_newcomer_of_the_week_is_no_lurker_in_the_digest_even_with_a_short_lurker_period(make_bot):
    bot, clock = await group_with_a_week(make_bot, activity_tags={"lurker_days": 2})
    _, p = await bot.profile("generic:u-5")
    assert "潜水" in [t["name"] for t in p["tags"]]  # in the group 4 days, silent: the tag says so
    group = bot.config.groups["generic:g-1"]
    digest = build_weekly(await gather_weekly(bot.runtime.repo, bot.config, group, clock.t), "zh-CN")
    assert digest["lurkers"] == 0  # but they joined within the digest's week


async def test_check_in_share_is_of_the_groups_members_and_never_above_all_of_them(make_bot):
    """Check-ins are no chat: members who only check in are not "active", so the share is of the members."""
    bot, clock = await group_with_a_week(make_bot)
    for i, member in enumerate(("u-5", "u-7", "u-8")):
        await bot.post(message(f"k{i}", member, "签到", ts("2026-11-28 08:00") + i, name=f"签到{i}"))
    await bot.settle()
    group = bot.config.groups["generic:g-1"]
    rt = bot.runtime
    digest = build_weekly(await gather_weekly(rt.repo, bot.config, group, clock.t), "zh-CN")
    assert digest["active"] == 2 and digest["checkers"] == 3  # 老周 and 小六 chatted; three others checked in
    assert digest["checkin_rate"] == "60%"  # 3 of the 5 members
    text = (await report_texts.weekly(rt.repo, rt.context.render, bot.config, group, clock.t)).plain()
    assert "签到：3 人参与（占群成员 60%）" in text
