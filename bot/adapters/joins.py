"""Join requests on the wire (pure functions the Telegram and OneBot adapters call).

Telegram: an ``Update`` with ``chat_join_request`` (``chat``, ``from``, ``user_chat_id``, ``date``,
optional ``bio`` and ``invite_link``); decided with ``approveChatJoinRequest`` /
``declineChatJoinRequest`` (``chat_id``, ``user_id``). OneBot 11: ``post_type = "request"``,
``request_type = "group"``, ``sub_type = "add"`` with ``group_id``, ``user_id``, ``comment``, ``flag``;
decided with ``set_group_add_request`` (``flag``, ``sub_type``, ``approve``, ``reason``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.adapters.support import ascii_int
from bot.core.events import ChatRef, JoinRequest, UserRef
from bot.core.outgoing import Outgoing


def telegram_join_request(adapter: str, update: Mapping[str, Any]) -> JoinRequest | None:
    req = update.get("chat_join_request")
    if not isinstance(req, Mapping):
        return None
    chat, user = req["chat"], req["from"]
    name = " ".join(x for x in (user.get("first_name", ""), user.get("last_name", "")) if x)
    link = req.get("invite_link") or {}
    return JoinRequest(event_id=f"u{update.get('update_id', '')}", chat=ChatRef(adapter, str(chat["id"])),
                       user=UserRef(adapter, str(user["id"])), time=float(req["date"]), user_name=name,
                       chat_name=str(chat.get("title", "")), comment=str(req.get("bio") or ""),
                       request_id=str(req.get("user_chat_id", user["id"])),
                       invite_link=str(link.get("name") or ""), answer_private=True)


def telegram_decision_call(out: Outgoing) -> tuple[str, dict[str, Any]]:
    """(Bot API method, parameters) for a JoinDecision; ValueError when an id is not a Telegram id."""
    assert out.join is not None and isinstance(out.target, ChatRef)
    method = "approveChatJoinRequest" if out.join.approve else "declineChatJoinRequest"
    chat_id, user_id = ascii_int(out.target.chat_id, negative=True), ascii_int(out.join.user.user_id)
    if chat_id is None or user_id is None:
        raise ValueError(f"not a Telegram id: chat {out.target.chat_id!r}, user {out.join.user.user_id!r}")
    return method, {"chat_id": chat_id, "user_id": user_id}


def onebot_group_request(adapter: str, payload: Mapping[str, Any]) -> JoinRequest | None:
    if payload.get("post_type") != "request" or payload.get("request_type") != "group" \
            or payload.get("sub_type") != "add":
        return None
    return JoinRequest(event_id=f"req-{payload['flag']}", chat=ChatRef(adapter, str(payload["group_id"])),
                       user=UserRef(adapter, str(payload["user_id"])), time=float(payload["time"]),
                       comment=str(payload.get("comment") or ""), request_id=str(payload["flag"]),
                       answer_private=False)


def onebot_decision_call(out: Outgoing) -> tuple[str, dict[str, Any]]:
    """(OneBot action, parameters) for a JoinDecision."""
    assert out.join is not None
    params: dict[str, Any] = {"flag": out.join.request_id, "sub_type": "add", "approve": out.join.approve}
    if not out.join.approve and out.join.reason:
        params["reason"] = out.join.reason
    return "set_group_add_request", params
