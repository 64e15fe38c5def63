"""Only public-safe tags in group posts: a motive (价格敏感) or feedback tag (好评) never appears in what the
whole group reads — the morning report, the digest previewed in the group, /me answered in the group, a mass
mention's confirmation — while interest tags do, and the config can make a category public. Plus the morning
report's highlights and its 今日话题."""

from __future__ import annotations

from typing import Any

from tests.conftest import TAGS, message
from tests.handlers.test_operations import Clock, ts

GROUP = "generic:g-1"
TODAY = "2026-11-25"
MOTIVE = {"name": "价格敏感", "category": "motive", "keywords": ["便宜", "优惠", "打折"]}
FEEDBACK = {"name": "好评", "category": "feedback", "keywords": ["好评", "推荐"]}
PRIVATE_TAGS = ("价格敏感", "好评")
NAMES = {"u-1": "张三", "u-2": "李四", "u-3": "赵六", "u-4": "孙七"}


async def _chatty_bot(make_bot: Any, **extra: Any) -> tuple[Any, Clock]:
    clock = Clock(ts(f"{TODAY} 07:00"))
    groups = [{"id": GROUP, "admins": ["generic:u-9"], "morning_report": "08:00", "weekly_digest": "mon 09:00"}]
    bot = await make_bot(clock=clock, groups=groups, tags=[*TAGS, MOTIVE, FEEDBACK], **extra)
    y = ts(f"{TODAY} 00:00") - 86400
    lines = [("u-1", "这瓶红酒打折好便宜"), ("u-2", "有优惠券吗，红酒"), ("u-3", "好评，推荐这家的葡萄酒"),
             ("u-1", "优惠真多"), ("u-2", "新相机到了")]
    for i, (who, text) in enumerate(lines):
        await bot.post(message(f"y{i}", who, text, y + 3600 + i * 60, name=who.upper()))
    await bot.settle()
    return bot, clock


def _group_posts(bot: Any) -> list[str]:
    return [str(r["text"]) for r in bot.receiver.received if "group" in r]


async def test_motives_and_feedback_never_appear_in_a_group_post(make_bot):
    bot, clock = await _chatty_bot(make_bot)
    rt = bot.runtime
    await rt.repo.profiles.save_segment(GROUP, "价格敏感", "价格敏感", "generic:u-9", clock.t)
    clock.t = ts(f"{TODAY} 08:00")
    assert await rt.jobs.tick(GROUP, "morning_report")
    for i, (who, text) in enumerate([("u-9", "/早报 预览"), ("u-9", "/周报 预览"), ("u-1", "/我的画像"),
                                     ("u-9", "/segment 价格敏感 notify 优惠券已发放"), ("u-9", "/segment confirm")]):
        await bot.post(message(f"c{i}", who, text, clock.t + i))
        await bot.settle()
    posts = _group_posts(bot)
    morning = next(p for p in posts if "☀️ 早报" in p)
    assert "红酒（3）" in morning  # interest tags are public
    assert any("📊 周报" in p for p in posts) and any("的画像" in p for p in posts)
    assert any("已向该分群的" in p for p in posts)  # the confirmation without the segment's name
    # /me in the group: u-1's motive stays private
    assert any("另有 1 个标签不在群里显示" in p for p in posts), [p for p in posts if "画像" in p]
    for p in posts:
        for tag in PRIVATE_TAGS:
            assert tag not in p, (tag, p)


async def test_the_config_may_make_a_category_or_one_tag_public(make_bot):
    bot, clock = await _chatty_bot(make_bot, tagging={"visibility": {"motive": "public"}})
    clock.t = ts(f"{TODAY} 08:00")
    assert await bot.runtime.jobs.tick(GROUP, "morning_report")
    await bot.settle()
    [morning] = [p for p in _group_posts(bot) if "☀️ 早报" in p]
    assert "价格敏感（3）" in morning and "好评" not in morning


async def _highlight_bot(make_bot: Any, store_text: bool) -> tuple[Any, Clock]:
    clock = Clock(ts(f"{TODAY} 07:00"))
    groups = [{"id": GROUP, "admins": ["generic:u-9"], "morning_report": "08:00", "topics": ["话题甲", "话题乙"]}]
    bot = await make_bot(clock=clock, groups=groups, storage={"store_text": store_text})
    y = ts(f"{TODAY} 00:00") - 86400
    await bot.post(message("q1", "u-1", "有人知道哪里能买到好的赤霞珠吗？", y + 3600, name="张三"))
    await bot.post(message("p1", "u-2", "今天的日落太美了，大家快看窗外", y + 3700, name="李四"))
    for i, (who, to) in enumerate([("u-2", "q1"), ("u-3", "q1"), ("u-1", "p1"), ("u-3", "p1"), ("u-4", "p1")]):
        await bot.post(message(f"r{i}", who, "回复", y + 4000 + i * 60, name=NAMES[who], reply_to=to))
    for d in range(7, 0, -1):  # 王五 checks in seven days in a row, the last one yesterday
        await bot.post(message(f"k{d}", "u-5", "签到", ts(f"{TODAY} 09:00") - d * 86400, name="王五"))
    await bot.settle()
    return bot, clock


async def test_yesterdays_highlights_quote_only_where_text_is_kept(make_bot):
    bot, clock = await _highlight_bot(make_bot, store_text=True)
    clock.t = ts(f"{TODAY} 08:00")
    assert await bot.runtime.jobs.tick(GROUP, "morning_report")
    await bot.settle()
    [morning] = [p for p in _group_posts(bot) if "☀️ 早报" in p]
    assert "最多回复：李四 的消息收到 3 条回复：「今天的日落太美了，大家快看窗外」" in morning
    assert "最佳问答：张三 的提问收到 2 条回答：「有人知道哪里能买到好的赤霞珠吗？」" in morning
    assert "签到里程碑：王五 已连续签到 7 天" in morning


async def test_without_store_text_highlights_name_no_words_and_the_topic_rotates(make_bot):
    bot, clock = await _highlight_bot(make_bot, store_text=False)
    texts = []
    for day in (TODAY, "2026-11-26"):
        bot.receiver.received.clear()
        clock.t = ts(f"{day} 08:00")
        assert await bot.runtime.jobs.tick(GROUP, "morning_report")
        await bot.settle()
        texts += [p for p in _group_posts(bot) if "☀️ 早报" in p]
    assert "最多回复：李四 的消息收到 3 条回复\n" in texts[0]
    for text in texts:
        assert "「" not in text and "日落" not in text and "赤霞珠" not in text
    topics = {t.split("今日话题：", 1)[1].split("\n", 1)[0] for t in texts}
    assert topics == {"话题甲", "话题乙"}  # one a day, in turn
