"""Button presses (Telegram ``callback_query``): someone pressed a button under a message the bot sent.

Like every event they are frozen and serializable, because the inbox keeps them between the
acknowledgement and processing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.core.refs import ChatRef, UserRef


@dataclass(frozen=True, slots=True)
class ButtonPress:
    """A press of a button under a message the bot sent in a group. ``data`` is the button's data as the bot
    sent it — but anyone in the group could have pressed it, so handlers check ``user``; ``press_id`` is the
    platform's handle for answering the press (clients wait for the answer); ``message_id`` is the message
    that carries the button."""

    event_id: str
    chat: ChatRef
    user: UserRef
    time: float
    data: str
    press_id: str
    message_id: str = ""
    user_name: str = ""
    chat_name: str = ""
    kind: str = field(default="button_press", init=False)


def press_fields(ev: ButtonPress) -> dict[str, Any]:
    """The fields of a press beyond those every event has (for ``event_to_dict``)."""
    return {"data": ev.data, "press_id": ev.press_id, "message_id": ev.message_id, "user_name": ev.user_name}


def press_from_dict(d: dict[str, Any], common: dict[str, Any]) -> ButtonPress:
    """Inverse of :func:`press_fields`; ``common`` holds the fields every event has, already decoded."""
    return ButtonPress(**common, data=str(d["data"]), press_id=str(d["press_id"]),
                       message_id=str(d.get("message_id", "")), user_name=str(d.get("user_name", "")))
