"""Join requests on the Telegram wire (pure functions).

An ``Update`` with ``chat_join_request`` (``chat``, ``from``, ``user_chat_id``, ``date``, optional ``bio``
and ``invite_link``) is decided with ``approveChatJoinRequest`` / ``declineChatJoinRequest``
(``chat_id``, ``user_id``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.adapters.shared.support import ascii_int
from bot.core.events import ChatRef, JoinRequest, UserRef
from bot.core.outgoing import Outgoing


def join_request(adapter: str, update: Mapping[str, Any]) -> JoinRequest | None:
    """The JoinRequest an update carries, or None."""
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


def decision_call(out: Outgoing) -> tuple[str, dict[str, Any]]:
    """(Bot API method, parameters) for a JoinDecision; ValueError when an id is not a Telegram id."""
    if out.join is None or not isinstance(out.target, ChatRef):
        raise ValueError("not a join decision for a group")
    method = "approveChatJoinRequest" if out.join.approve else "declineChatJoinRequest"
    chat_id, user_id = ascii_int(out.target.chat_id, negative=True), ascii_int(out.join.user.user_id)
    if chat_id is None or user_id is None:
        raise ValueError(f"not a Telegram id: chat {out.target.chat_id!r}, user {out.join.user.user_id!r}")
    return method, {"chat_id": chat_id, "user_id": user_id}
