"""FAQ answers and question routing (答疑) through the real app on the generic adapter: admins teach FAQs in
chat, members' matching questions get the answer once per cooldown, open questions are brought to the members
most likely to answer, who may opt out."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.recompute import recompute_group
from tests.conftest import message

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=TZ).timestamp()
ADMIN = "u-9"


class Clock:
    def __init__(self, t: float = NOW) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def groups(**qa):
    return [{"id": "generic:g-1", "admins": ["generic:u-9"], "qa": qa}]


def to_admin(bot):
    return [r["text"] for r in bot.receiver.received if r.get("user") == ADMIN]


def in_group(bot):
    return [r for r in bot.receiver.received if r.get("group") == "g-1"]


async def say(bot, eid, text, user="u-1", t=NOW, **kw):
    await bot.post(message(eid, user, text, t, name={"u-1": "小王", "u-9": "赵敏"}.get(user, user), **kw))
    await bot.settle()


async def teach(bot, *pairs, t=NOW - 3600):
    for i, (q, a) in enumerate(pairs):
        await say(bot, f"teach{i}", f"/faq add {q} | {a}", user=ADMIN, t=t + i)


async def test_a_taught_faq_answers_a_paraphrase_as_a_reply_once_per_cooldown(make_bot):
    clock = Clock()
    bot = await make_bot(clock=clock, groups=groups(faq_cooldown_minutes=30))
    await say(bot, "t1", "/问答 添加 发票怎么开？｜下单后在“我的订单”里申请电子发票，\n一个工作日内发到邮箱。",
              user=ADMIN, t=NOW - 60)
    [confirm] = to_admin(bot)
    assert "已添加第 1 条问答" in confirm and "一个工作日内发到邮箱" in confirm
    await say(bot, "q1", "請問發票怎麼開？", t=NOW)
    [answer] = in_group(bot)
    assert answer["reply_to"] == "q1"
    assert "申请电子发票" in answer["text"] and "一个工作日内发到邮箱" in answer["text"]
    await say(bot, "q2", "发票如何开呀", user="u-2", t=NOW + 10 * 60)  # inside the cooldown: quiet
    assert len(in_group(bot)) == 1
    await say(bot, "q3", "发票怎么开？", user="u-3", t=NOW + 31 * 60)
    assert [r["reply_to"] for r in in_group(bot)] == ["q1", "q3"]


async def test_near_misses_statements_and_commands_get_no_answer(make_bot):
    bot = await make_bot(clock=lambda: NOW, groups=groups())
    await teach(bot, ("会员怎么开通？", "在小程序“我的”页面开通。"))
    for i, text in enumerate(["会员怎么取消？", "会员怎么开通我已经知道了", "/help 会员怎么开通？", "今天天气不错"]):
        await say(bot, f"m{i}", text, t=NOW + i)
    assert not any("页面开通" in r["text"] for r in in_group(bot))


async def test_a_threshold_of_one_needs_the_same_question(make_bot):
    bot = await make_bot(clock=lambda: NOW, groups=groups(faq_threshold=1.0))
    await teach(bot, ("会员怎么开通？", "在小程序里开通。"))
    await say(bot, "m1", "会员怎么才能开通？")
    assert in_group(bot) == []
    await say(bot, "m2", "會員如何開通？", user="u-2")
    assert len(in_group(bot)) == 1


async def test_list_and_remove_go_privately_and_a_removed_faq_answers_nothing(make_bot):
    bot = await make_bot(clock=lambda: NOW, groups=groups())
    await teach(bot, ("发票怎么开？", "在订单页申请。"), ("运费怎么算？", "满 99 元包邮。"))
    await say(bot, "l1", "/问答 列表", user=ADMIN)
    listing = to_admin(bot)[-1]
    assert "1. 问：发票怎么开？" in listing and "2. 问：运费怎么算？" in listing and "满 99 元包邮" in listing
    await say(bot, "r1", "/faq rm 1", user=ADMIN)
    assert "已删除问答：发票怎么开？" in to_admin(bot)[-1]
    await say(bot, "r2", "/faq rm 7", user=ADMIN)  # no such number: the usage, in the group
    assert "用法" in in_group(bot)[-1]["text"]
    await say(bot, "q1", "发票怎么开？", t=NOW + 60)
    await say(bot, "q2", "运费怎么算？", t=NOW + 61)
    assert [r["reply_to"] for r in in_group(bot) if "包邮" in r["text"]] == ["q2"]
    assert not any("订单页" in r["text"] for r in in_group(bot))


async def test_members_cannot_teach_and_a_malformed_add_answers_with_its_usage(make_bot):
    bot = await make_bot(clock=lambda: NOW, groups=groups())
    await say(bot, "m1", "/faq add 发票怎么开 | 随便开")
    await say(bot, "m2", "/faq add 只有问题没有答案", user=ADMIN)
    await say(bot, "q1", "发票怎么开？", user="u-2")
    texts = [r["text"] for r in in_group(bot)]
    assert any("用法" in t for t in texts)
    assert not any("随便开" in t for t in texts)


async def test_save_keeps_an_exchange_from_the_stored_chat(make_bot):
    bot = await make_bot(clock=lambda: NOW, groups=groups(), storage={"store_text": True})
    await say(bot, "q1", "请问停车场在哪里？", t=NOW - 300)
    await say(bot, "a1", "地下二层，凭小票免费两小时。", user=ADMIN, t=NOW - 200, reply_to="q1")
    await say(bot, "s1", "/问答 保存", user=ADMIN, t=NOW - 100, reply_to="a1")
    assert "问：请问停车场在哪里？" in to_admin(bot)[-1] and "答：地下二层" in to_admin(bot)[-1]
    await say(bot, "q2", "有谁知道 wifi 密码是多少？", user="u-2", t=NOW - 50)
    await say(bot, "s2", "/faq save 密码是 wine2026", user=ADMIN, t=NOW - 40, reply_to="q2")
    await say(bot, "q3", "停车场在哪儿？", user="u-3", t=NOW)
    await say(bot, "q4", "wifi密码多少", user="u-4", t=NOW + 1)
    replies = {r["reply_to"]: r["text"] for r in in_group(bot)}
    assert "地下二层" in replies["q3"] and "wine2026" in replies["q4"]


async def test_save_without_a_reply_takes_the_admins_latest_answer(make_bot):
    bot = await make_bot(clock=lambda: NOW, groups=groups(), storage={"store_text": True})
    await say(bot, "q1", "周末营业吗？", t=NOW - 300)
    await say(bot, "a1", "周末照常营业，十点开门。", user=ADMIN, t=NOW - 200, reply_to="q1")
    await say(bot, "s1", "/faq save", user=ADMIN, t=NOW - 100)
    assert "问：周末营业吗？" in to_admin(bot)[-1]


async def test_save_without_stored_text_says_to_use_add(make_bot):
    bot = await make_bot(clock=lambda: NOW, groups=groups())
    await say(bot, "q1", "请问停车场在哪里？", t=NOW - 300)
    await say(bot, "a1", "地下二层。", user=ADMIN, t=NOW - 200, reply_to="q1")
    await say(bot, "s1", "/faq save", user=ADMIN, t=NOW - 100, reply_to="a1")
    assert "没有保存聊天原文" in to_admin(bot)[-1] and "/问答 添加" in to_admin(bot)[-1]


async def test_a_faq_answer_counts_as_the_answer_so_no_unanswered_alert_follows(make_bot):
    clock = Clock()
    bot = await make_bot(clock=clock, groups=groups(), alerts={"unanswered_minutes": 30})
    await teach(bot, ("发票怎么开？", "在订单页申请。"))
    await say(bot, "q1", "发票怎么开？")
    await say(bot, "q2", "停车场在哪里？", user="u-2")
    clock.t = NOW + 40 * 60
    await bot.runtime.jobs.minutely()
    await bot.settle()
    alerts = [t for t in to_admin(bot) if "没人回答" in t]
    assert len(alerts) == 1 and "u-2" in alerts[0]


# -- routing ----------------------------------------------------------------------------------------


async def helpers_bot(make_bot, clock, store_text=False, **qa):
    """u-3 answered wine questions, u-4 answered parking questions, u-5 answered wine ones too but less."""
    bot = await make_bot(clock=clock, groups=groups(**qa), storage={"store_text": store_text},
                         activity_tags={"helper_min_answers": 1},
                         tags=[{"name": "红酒", "keywords": ["红酒", "葡萄酒"]},
                               {"name": "停车", "keywords": ["停车"]}])
    t = NOW - 5 * 86400
    history = [("u-3", "红酒"), ("u-3", "红酒"), ("u-4", "停车"), ("u-5", "红酒")]
    for i, (who, topic) in enumerate(history):
        await say(bot, f"h{i}q", f"{topic}有什么讲究吗？", user="u-8", t=t + i * 600)
        await say(bot, f"h{i}a", f"{topic}的话我来说说", user=who, t=t + i * 600 + 60, reply_to=f"h{i}q")
    await recompute_group(bot.runtime.repo, bot.config, "generic:g-1", NOW - 3600)
    return bot


def routed(bot):
    return [r for r in in_group(bot) if r["text"].startswith("🙋")]


async def test_an_open_question_is_brought_to_the_two_likeliest_helpers_once(make_bot):
    clock = Clock()
    bot = await helpers_bot(make_bot, clock, route_after_minutes=30)
    await say(bot, "q1", "这瓶红酒要醒多久？", user="u-1", t=NOW)
    for minutes in (20, 31, 32):
        clock.t = NOW + minutes * 60
        await bot.runtime.jobs.minutely()
        await bot.settle()
    [note] = routed(bot)
    assert note["reply_to"] == "q1" and note["mentions"] == ["u-3", "u-5"]
    assert "小王" in note["text"] and "醒多久" not in note["text"]  # no stored text: the reply points at it


async def test_the_question_text_is_quoted_where_text_is_kept_and_answered_questions_are_left_alone(make_bot):
    clock = Clock()
    bot = await helpers_bot(make_bot, clock, store_text=True, route_after_minutes=10)
    await say(bot, "q1", "附近哪里停车方便？", user="u-1", t=NOW)
    await say(bot, "q2", "红酒怎么保存？", user="u-2", t=NOW)
    await say(bot, "a2", "放阴凉处", user="u-6", t=NOW + 60, reply_to="q2")
    clock.t = NOW + 11 * 60
    await bot.runtime.jobs.minutely()
    await bot.settle()
    [note] = routed(bot)
    assert note["mentions"][0] == "u-4" and "附近哪里停车方便" in note["text"]


async def test_members_can_opt_out_of_being_asked(make_bot):
    clock = Clock()
    bot = await helpers_bot(make_bot, clock, route_after_minutes=30)
    await say(bot, "o1", "/答疑提醒 关", user="u-3", t=NOW - 60)
    assert "不再 @ 你" in in_group(bot)[-1]["text"]
    await say(bot, "q1", "红酒要醒多久？", user="u-1", t=NOW)
    clock.t = NOW + 31 * 60
    await bot.runtime.jobs.minutely()
    await bot.settle()
    [note] = routed(bot)
    assert "u-3" not in note["mentions"] and note["mentions"][0] == "u-5"
    await say(bot, "o2", "/答疑提醒 开", user="u-3", t=clock.t)
    await say(bot, "q2", "葡萄酒要醒多久？", user="u-2", t=clock.t)
    clock.t += 31 * 60
    await bot.runtime.jobs.minutely()
    await bot.settle()
    assert routed(bot)[-1]["mentions"][0] == "u-3"


async def test_routing_off(make_bot):
    clock = Clock()
    bot = await helpers_bot(make_bot, clock, route_after_minutes=0)
    await say(bot, "q1", "红酒要醒多久？", user="u-1", t=NOW)
    clock.t = NOW + 120 * 60
    await bot.runtime.jobs.minutely()
    await bot.settle()
    assert routed(bot) == []


async def test_the_asker_is_never_brought_their_own_question(make_bot):
    clock = Clock()
    bot = await helpers_bot(make_bot, clock, route_after_minutes=30)
    await say(bot, "q1", "红酒要醒多久？", user="u-3", t=NOW)
    clock.t = NOW + 31 * 60
    await bot.runtime.jobs.minutely()
    await bot.settle()
    assert routed(bot)[0]["mentions"] == ["u-5", "u-4"]  # the wine helper first, never the asker


# -- measures -------------------------------------------------------------------------------------------


async def test_the_weekly_digest_and_insights_measure_answers_and_the_digest_counts_moderation(make_bot):
    from bot.core.posting import plain
    from bot.domain.insights import insights
    from bot.domain.reports.weekly import weekly

    clock = Clock()
    bot = await make_bot(clock=clock, groups=[{"id": "generic:g-1", "admins": ["generic:u-9"],
                                               "moderation": {"mode": "observe", "newcomer_days": 0,
                                                              "newcomer_messages": 0}}])
    await teach(bot, ("发票怎么开？", "在订单页申请。"))
    await say(bot, "q1", "停车场在哪里？", user="u-1", t=NOW)
    await say(bot, "a1", "地下二层", user="u-2", t=NOW + 600, reply_to="q1")
    await say(bot, "q2", "发票怎么开？", user="u-3", t=NOW + 700)  # the FAQ answers at once
    await say(bot, "q3", "周末营业吗？", user="u-4", t=NOW + 800)
    await say(bot, "ad", "加V了解一下", user="u-5", t=NOW + 900)
    await say(bot, "ad2", "代购请私聊", user="u-6", t=NOW + 950)
    clock.t = datetime(2026, 11, 23, 9, 0, tzinfo=TZ).timestamp()  # Monday: the digest covers Nov 16–22
    rt, group = bot.runtime, bot.config.groups["generic:g-1"]
    digest = plain((await weekly(rt.repo, rt.context.render, bot.config, group, clock.t)).text)
    assert "答疑：提问 3 个，已回答 67%，首次回答中位用时 5.0 分钟，常见问答自动回复 1 次" in digest
    assert "群管理：" in digest and "发布联系方式/引流 · 禁言 1 次（观察模式，未执行）" in digest
    assert "发布广告 · 禁言 1 次" in digest
    data = await insights(rt.repo, bot.config, "generic:g-1", clock.t)
    this_week, last_week = data["answers"][:2]
    assert this_week["asked"] == 0 and this_week["answered_share"] is None
    assert last_week == {"week": "2026-W47", "start": "2026-11-16", "asked": 3, "answered": 2,
                         "answered_share": 0.667, "median_first_answer_minutes": 5.0, "faq_hits": 1}


async def test_questions_are_routed_in_groups_not_listed_under_groups_too(make_bot):
    clock = Clock()
    bot = await make_bot(clock=clock, defaults={"qa": {"route_after_minutes": 5}},
                         activity_tags={"helper_min_answers": 1})
    await say(bot, "h1", "周末有活动吗？", user="u-8", t=NOW - 3 * 86400)
    await say(bot, "h2", "周六下午有", user="u-3", t=NOW - 3 * 86400 + 60, reply_to="h1")
    await recompute_group(bot.runtime.repo, bot.config, "generic:g-1", NOW - 3600)
    await say(bot, "q1", "停车场在哪里？", user="u-1", t=NOW)
    clock.t = NOW + 6 * 60
    await bot.runtime.jobs.minutely()
    await bot.settle()
    assert [r["mentions"] for r in routed(bot)] == [["u-3"]]


async def test_faqs_from_the_config_answer_in_every_group_and_are_listed_apart(make_bot):
    faq = {"question": "群规在哪里看？", "answer": "看群公告第一条。"}
    bot = await make_bot(clock=lambda: NOW, defaults={"qa": {"faqs": [faq]}},
                         groups=[{"id": "generic:g-1", "admins": ["generic:u-9"],
                                  "qa": {"faqs": [{"question": "几点开门？", "answer": "十点。"}]}}])
    await say(bot, "q1", "請問群規在哪裡看？")
    await say(bot, "q2", "几点开门呀？", user="u-2")
    await bot.post(message("q3", "u-3", "群规在哪里看？", NOW, group="g-2"))  # a group not listed
    await bot.settle()
    replies = {r["reply_to"]: r["text"] for r in bot.receiver.received if "reply_to" in r}
    assert "群公告第一条" in replies["q1"] and "十点" in replies["q2"] and "群公告第一条" in replies["q3"]
    await say(bot, "l1", "/faq", user=ADMIN)
    assert "配置文件里的常见问答（2 条" in to_admin(bot)[-1] and "本群还没有常见问答" in to_admin(bot)[-1]


async def test_a_group_holds_at_most_max_faqs(make_bot, monkeypatch):
    from handlers import faq

    monkeypatch.setattr(faq, "MAX_FAQS", 2)
    bot = await make_bot(clock=lambda: NOW, groups=groups())
    await teach(bot, ("一？", "1"), ("二？", "2"), ("三？", "3"))
    assert "达到上限" in to_admin(bot)[-1]
    await say(bot, "l1", "/faq list", user=ADMIN)
    assert "三？" not in to_admin(bot)[-1] and "二？" in to_admin(bot)[-1]
