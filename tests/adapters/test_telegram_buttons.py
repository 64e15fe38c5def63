"""Buttons on the Telegram wire (pure): ``callback_query`` parsed into a serializable ButtonPress (or ignored,
or refused with 400), buttons and press answers kept through the outbox's storage and never merged or dropped,
the inline keyboard Telegram accepts, and the candidate answers of the newcomer check."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.adapters.telegram.buttons import answer_params, keyboard
from bot.adapters.telegram.parse import UpdateParser
from bot.adapters.telegram.state import TelegramState
from bot.core.adapter import WebhookRejected
from bot.core.events import ButtonPress, ChatRef, event_from_dict, event_to_dict
from bot.core.outbox_queue import bound_lane
from bot.core.outgoing import Button, Outgoing, PressAnswer, Text, outgoing_from_dict, outgoing_to_dict
from bot.domain.moderation.captcha import candidates, press_data, read_press
from storage.repo import OutboxItem

GROUP = {"id": -1001, "type": "supergroup", "title": "Demo Group"}


def press(**query: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"id": "q1", "chat_instance": "-7", "data": "captcha:444:7",
                            "from": {"id": 444, "is_bot": False, "first_name": "小", "last_name": "林"},
                            "message": {"message_id": 55, "date": 0, "chat": GROUP}}
    base.update(query)
    return {"update_id": 9, "callback_query": {k: v for k, v in base.items() if v is not None}}


def test_a_press_parses_to_a_serializable_event() -> None:
    parsed = UpdateParser("tg", TelegramState(), now=1767225600.0).parse(press())
    [ev] = parsed.events
    assert isinstance(ev, ButtonPress)
    assert (ev.chat.id, ev.user.id, ev.data, ev.press_id, ev.message_id, ev.user_name, ev.time) == (
        "tg:-1001", "tg:444", "captcha:444:7", "q1", "55", "小 林", 1767225600.0)
    assert event_from_dict(json.loads(json.dumps(event_to_dict(ev)))) == ev


def test_presses_that_are_not_group_buttons_are_ignored_and_broken_ones_refused() -> None:
    parser = UpdateParser("tg", TelegramState())
    assert parser.parse(press(message=None, inline_message_id="im1")).ignored == "button"
    assert parser.parse(press(data=None, game_short_name="g")).ignored == "button"
    private = {"message_id": 5, "date": 0, "chat": {"id": 444, "type": "private"}}
    assert parser.parse(press(message=private)).ignored == "private"
    for broken in (press(id=None), press(data=7), press(**{"from": None})):
        with pytest.raises(WebhookRejected) as exc:
            parser.parse(broken)
        assert exc.value.status == 400


def test_buttons_and_answers_survive_the_outbox_and_are_never_merged_or_dropped() -> None:
    chat = ChatRef("tg", "-1001")
    asked = Outgoing(chat, (Text("3 + 4 = ?"),), buttons=(Button("7", "captcha:444:7"), Button("9", "captcha:444:9")))
    answered = Outgoing(chat, (), answer=PressAnswer("q1", "答对了"))
    for out in (asked, answered):
        assert outgoing_from_dict(json.loads(json.dumps(outgoing_to_dict(out)))) == out
    plain = [Outgoing(chat, (Text(f"m{i}"),)) for i in range(6)]
    batch = [(OutboxItem(i, "tg", {}, 0), out) for i, out in enumerate([*plain[:3], asked, answered, *plain[3:]])]
    plan, dropped = bound_lane(batch, max_queued=3, max_text_len=4000)
    kept = [q.out for q in plan]
    assert asked in kept and answered in kept
    assert all(q.out.buttons == () or q.items == [batch[3][0]] for q in plan)  # nothing merged into it
    assert all(i not in (3, 4) for i in (item.id for item in dropped))


def test_the_inline_keyboard_is_what_telegram_takes() -> None:
    assert keyboard((Button("7", "captcha:1:7"), Button("9", "captcha:1:9"))) == {
        "inline_keyboard": [[{"text": "7", "callback_data": "captcha:1:7"},
                             {"text": "9", "callback_data": "captcha:1:9"}]]}
    with pytest.raises(ValueError):
        keyboard((Button("x", "d" * 65),))  # callback_data is 1-64 bytes
    assert answer_params(PressAnswer("q", "好" * 300)) == {"callback_query_id": "q", "text": "好" * 200}
    assert answer_params(PressAnswer("q")) == {"callback_query_id": "q"}


def test_candidates_hold_the_answer_among_distinct_sums_and_presses_name_their_newcomer() -> None:
    for answer in range(2, 19):
        got = candidates(answer)
        assert answer in got and len(set(got)) == 4 and all(2 <= n <= 18 for n in got)
    assert len({tuple(candidates(7)) for _ in range(40)}) > 1  # shuffled, not a fixed pattern
    assert read_press(press_data("444", 7)) == ("444", "7")
    assert read_press("poll:1:2") is None and read_press("captcha:444:") is None
    assert read_press("captcha:444:７") is None  # a full-width digit is not a number we sent


def test_the_wire_shapes_are_the_bot_apis() -> None:
    """Checked against aiogram's models of the Bot API (a second reading of the same documentation)."""
    from aiogram.methods import AnswerCallbackQuery
    from aiogram.types import InlineKeyboardMarkup, Update

    update = Update.model_validate(press())
    assert update.callback_query is not None and update.callback_query.data == "captcha:444:7"
    markup = InlineKeyboardMarkup.model_validate(keyboard((Button("7", "captcha:1:7"), Button("9", "captcha:1:9"))))
    assert [b.callback_data for b in markup.inline_keyboard[0]] == ["captcha:1:7", "captcha:1:9"]
    refused = AnswerCallbackQuery.model_validate(answer_params(PressAnswer("q1", "这不是给你的按钮")))
    assert (refused.callback_query_id, refused.text) == ("q1", "这不是给你的按钮")
