"""Moderation actions on the Telegram wire (pure): a :class:`~bot.core.outgoing.ModAction` → Bot API calls.

``delete`` → ``deleteMessage`` (``chat_id``, ``message_id``); ``mute`` → ``restrictChatMember`` with every
permission False until ``until_date``; ``restrict`` (a newcomer check) → text only; ``unmute`` → every
permission True ("pass True for all permissions to lift restrictions"); ``kick`` → ``banChatMember`` then
``unbanChatMember`` with ``only_if_banned`` (removed, free to rejoin).
"""

from __future__ import annotations

from typing import Any

from bot.adapters.shared.support import ascii_int
from bot.core.outgoing import ModAction

KINDS = frozenset(("delete", "mute", "unmute", "restrict", "kick"))
PERMISSIONS = ("can_send_messages", "can_send_audios", "can_send_documents", "can_send_photos", "can_send_videos",
               "can_send_video_notes", "can_send_voice_notes", "can_send_polls", "can_send_other_messages",
               "can_add_web_page_previews", "can_invite_users")
MIN_RESTRICT_S = 30  # Telegram treats shorter (and over 366 days) restrictions as forever


def _permissions(allowed: frozenset[str]) -> dict[str, bool]:
    return {p: p in allowed for p in PERMISSIONS}


def action_calls(chat_id: int | str, action: ModAction, now: float) -> list[tuple[str, dict[str, Any]]]:
    """(method, parameters) in order for one action; ValueError when an id is not a Telegram id."""
    if action.kind == "delete":
        message_id = ascii_int(action.message_id)
        if message_id is None:
            raise ValueError(f"not a Telegram message id: {action.message_id!r}")
        return [("deleteMessage", {"chat_id": chat_id, "message_id": message_id})]
    user_id = ascii_int(action.user.user_id) if action.user is not None else None
    if user_id is None:
        raise ValueError(f"not a Telegram user id: {action.user!r}")
    who = {"chat_id": chat_id, "user_id": user_id}
    if action.kind == "mute":
        return [("restrictChatMember", {**who, "permissions": _permissions(frozenset()),
                                        "use_independent_chat_permissions": True,
                                        "until_date": int(now) + max(MIN_RESTRICT_S, action.seconds)})]
    if action.kind == "restrict":
        return [("restrictChatMember", {**who, "permissions": _permissions(frozenset({"can_send_messages"})),
                                        "use_independent_chat_permissions": True})]
    if action.kind == "unmute":
        return [("restrictChatMember", {**who, "permissions": _permissions(frozenset(PERMISSIONS)),
                                        "use_independent_chat_permissions": True})]
    if action.kind == "kick":
        return [("banChatMember", dict(who)), ("unbanChatMember", {**who, "only_if_banned": True})]
    raise ValueError(f"unknown moderation action {action.kind!r}")
