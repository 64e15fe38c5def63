"""The newcomer check as buttons on Telegram, end to end through the webhook against the fake Bot API: the
greeting's inline keyboard, the newcomer's right press (answered, restriction lifted, greeting deleted),
someone else's press (refused, nothing lifted), a wrong press and the timeout (removed); QQ keeps the typed
sum."""

# ruff: noqa: F811  (make_wire is a pytest fixture shared with the moderation wire tests: imported, then requested)
from __future__ import annotations

import re
from typing import Any

from tests.adapters.test_moderation_wire import (  # noqa: F401  (make_wire is a fixture)
    ALL_PERMISSIONS,
    NOW,
    TG_GROUP,
    Wire,
    make_wire,
    qq_join,
    qq_texts,
    tg_join,
    tg_texts,
)


def greeting(w: Wire) -> tuple[dict[str, Any], int, list[tuple[str, str]]]:
    """(the greeting's sendMessage, the right answer, [(label, callback_data)] of its buttons)."""
    sent = next(s for s in w.fake.sent if "reply_markup" in s)
    a, b = map(int, re.search(r"(\d) \+ (\d) = \?", sent["text"]).groups())
    rows = sent["reply_markup"]["inline_keyboard"]
    return sent, a + b, [(btn["text"], btn["callback_data"]) for btn in rows[0]]


def tg_press(w: Wire, user: int, data: str, message_id: int = 1001) -> dict[str, Any]:
    w.n += 1
    return {"update_id": 5000 + w.n, "callback_query": {
        "id": f"q{w.n}", "chat_instance": "-77", "data": data,
        "from": {"id": user, "is_bot": False, "first_name": f"U{user}"},
        "message": {"message_id": message_id, "date": int(w.clock.t), "text": "…",
                    "chat": {"id": TG_GROUP, "type": "supergroup", "title": "Demo Group"},
                    "from": {"id": 222222222, "is_bot": True, "first_name": "Demo"}}}}


def answers(w: Wire) -> list[dict[str, Any]]:
    return [p for m, p in w.fake.actions if m == "answerCallbackQuery"]


def lifted(w: Wire, user: int) -> bool:
    return ("restrictChatMember", {"chat_id": TG_GROUP, "user_id": user, "use_independent_chat_permissions": True,
                                   "permissions": dict.fromkeys(ALL_PERMISSIONS, True)}) in w.fake.actions


def kicked(w: Wire, user: int) -> bool:
    return ("banChatMember", {"chat_id": TG_GROUP, "user_id": user}) in w.fake.actions


async def test_the_greeting_carries_four_candidate_buttons_for_that_newcomer(make_wire):
    w = await make_wire("telegram", mode="enforce", captcha_seconds=120)
    await w.post(tg_join(w, 444))
    sent, right, buttons = greeting(w)
    assert "点下面的按钮" in sent["text"] and sent["chat_id"] == TG_GROUP
    from aiogram.methods import SendMessage  # the Bot API's sendMessage, as aiogram models it

    assert SendMessage.model_validate(sent).reply_markup is not None
    assert len(buttons) == 4 and len({label for label, _ in buttons}) == 4
    assert str(right) in [label for label, _ in buttons]
    assert all(data == f"captcha:444:{label}" for label, data in buttons)


async def test_the_newcomers_right_press_lifts_the_restriction(make_wire):
    w = await make_wire("telegram", mode="enforce", captcha_seconds=120)
    await w.post(tg_join(w, 444))
    _, right, _ = greeting(w)
    await w.post(tg_press(w, 444, f"captcha:444:{right}"))
    assert answers(w) == [{"callback_query_id": f"q{w.n}", "text": "答对了，验证通过！"}]
    assert lifted(w, 444)
    assert ("deleteMessage", {"chat_id": TG_GROUP, "message_id": 1001}) in w.fake.actions  # the greeting
    assert "验证通过" in tg_texts(w)[-1]
    w.clock.t = NOW + 600
    await w.minute()
    assert not kicked(w, 444)


async def test_someone_elses_press_is_refused_and_changes_nothing(make_wire):
    w = await make_wire("telegram", mode="enforce", captcha_seconds=120)
    await w.post(tg_join(w, 444))
    _, right, _ = greeting(w)
    before = len(w.fake.sent)
    await w.post(tg_press(w, 777, f"captcha:444:{right}"))
    assert answers(w) == [{"callback_query_id": f"q{w.n}", "text": "这不是给你的按钮"}]
    assert not lifted(w, 444) and not lifted(w, 777) and len(w.fake.sent) == before
    assert [m for m, _ in w.fake.actions] == ["restrictChatMember", "answerCallbackQuery"]
    await w.post(tg_press(w, 444, f"captcha:444:{right}"))  # the newcomer's own press still counts
    assert lifted(w, 444)


async def test_a_wrong_press_removes_the_newcomer(make_wire):
    w = await make_wire("telegram", mode="enforce", captcha_seconds=120)
    await w.post(tg_join(w, 444))
    _, right, buttons = greeting(w)
    wrong = next(label for label, _ in buttons if label != str(right))
    await w.post(tg_press(w, 444, f"captcha:444:{wrong}"))
    assert answers(w)[0]["text"].startswith("答错了")
    assert kicked(w, 444) and not lifted(w, 444)
    assert "答错了" in tg_texts(w)[-1]
    await w.post(tg_press(w, 444, f"captcha:444:{right}"))  # too late: the check is over
    assert answers(w)[-1]["text"] == "这道验证题已经结束了" and not lifted(w, 444)


async def test_no_press_in_time_removes_the_newcomer(make_wire):
    w = await make_wire("telegram", mode="enforce", captcha_seconds=120)
    await w.post(tg_join(w, 555))
    w.clock.t = NOW + 180
    await w.minute()
    assert kicked(w, 555) and "未在 2分钟内完成入群验证" in tg_texts(w)[-1]
    _, right, _ = greeting(w)
    await w.post(tg_press(w, 555, f"captcha:555:{right}"))
    assert answers(w)[-1]["text"] == "这道验证题已经结束了" and not lifted(w, 555)


async def test_qq_keeps_the_typed_sum(make_wire):
    w = await make_wire("onebot", mode="enforce", captcha_seconds=60)
    await w.post(qq_join(w, 40004))
    assert re.search(r"直接在群里回复这道题的答案：\d \+ \d = \?", qq_texts(w)[0])


async def test_a_broken_press_is_refused_with_400_and_changes_nothing(make_wire):
    w = await make_wire("telegram", mode="enforce", captcha_seconds=120)
    await w.post(tg_join(w, 444))
    _, right, _ = greeting(w)
    broken = tg_press(w, 444, f"captcha:444:{right}")
    del broken["callback_query"]["id"]
    resp = await w.client.post(w.path, json=broken, headers={"X-Telegram-Bot-Api-Secret-Token": "tg-secret"})
    assert resp.status == 400
    await w.post(tg_join(w, 445))  # the next delivery goes through; the broken one left nothing behind
    assert answers(w) == [] and not lifted(w, 444)
