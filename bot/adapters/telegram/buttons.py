"""Inline keyboards on the Telegram wire (pure): buttons out, ``callback_query`` updates in, their answers.

Wire facts (Bot API): a message carries buttons as ``reply_markup`` = ``{"inline_keyboard": [[button, …]]}``
(rows of ``InlineKeyboardButton``), a callback button being ``{"text": label, "callback_data": data}`` with
``callback_data`` 1–64 bytes. A press arrives as ``{"update_id", "callback_query": {"id", "from",
"message", "chat_instance", "data"}}``: ``message`` (the bot's message with the button; an
``InaccessibleMessage`` keeps ``chat`` and ``message_id``) is absent for inline-mode messages, and ``data`` is
absent for game buttons; the update carries no date. Telegram delivers ``callback_query`` unless the
webhook's ``allowed_updates`` leaves it out. Clients show a progress bar until the bot calls
``answerCallbackQuery`` (``callback_query_id``, optional ``text`` of 0–200 characters shown to the presser,
``show_alert``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bot.adapters.shared.support import bad, id_field
from bot.adapters.telegram.fields import obj, optional, string, user_name
from bot.core.adapter import Parsed
from bot.core.events import ButtonPress, ChatRef, UserRef
from bot.core.outgoing import Button, PressAnswer

GROUP_TYPES = ("group", "supergroup")
MAX_DATA, MAX_ANSWER = 64, 200


def keyboard(buttons: tuple[Button, ...]) -> dict[str, Any]:
    """``reply_markup`` for one row of callback buttons; ValueError when a button's data does not fit."""
    for b in buttons:
        if not 0 < len(b.data.encode()) <= MAX_DATA or not b.label:
            raise ValueError(f"not a Telegram callback button: {b.label!r} / {b.data!r}")
    return {"inline_keyboard": [[{"text": b.label, "callback_data": b.data} for b in buttons]]}


def answer_params(answer: PressAnswer) -> dict[str, Any]:
    """``answerCallbackQuery`` parameters (the text cut to Telegram's 200 characters)."""
    params: dict[str, Any] = {"callback_query_id": answer.press_id}
    if answer.text:
        params["text"] = answer.text[:MAX_ANSWER]
    return params


def callback_query(adapter: str, group: Callable[[str], ChatRef], key: str, upd: Mapping[str, Any],
                   now: float) -> Parsed:
    """``callback_query`` → ButtonPress (stamped on arrival); presses outside a group, under inline-mode
    messages or on game buttons are ignored. ``group`` maps a chat id to the group (an old id to its
    current one)."""
    qid = upd.get("id")
    if not isinstance(qid, str) or not qid:
        raise bad("missing field: callback_query.id")
    presser = obj(upd, "from")
    uid = id_field(presser, "id")
    data = upd.get("data")
    if data is not None and not isinstance(data, str):
        raise bad("field callback_query.data must be a string")
    msg = optional(upd, "message")
    if msg is None or not data:
        return Parsed(key=key, ignored="button")
    chat = obj(msg, "chat")
    chat_id, message_id = id_field(chat, "id"), id_field(msg, "message_id")
    if string(chat, "type") not in GROUP_TYPES:
        return Parsed(key=key, ignored="private")
    return Parsed(key=key, events=(ButtonPress(
        event_id=f"press:{qid}", chat=group(chat_id), user=UserRef(adapter, uid), time=now, data=data,
        press_id=qid, message_id=message_id, user_name=user_name(presser), chat_name=string(chat, "title")),))
