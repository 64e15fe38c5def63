"""Moderation actions on the OneBot 11 wire (pure): a :class:`~bot.core.outgoing.ModAction` → API actions.

``delete`` → ``delete_msg`` (``message_id``); ``mute`` → ``set_group_ban`` (``group_id``, ``user_id``,
``duration`` seconds); ``unmute`` → ``set_group_ban`` with ``duration`` 0; ``kick`` → ``set_group_kick``
(``reject_add_request`` False: free to apply again). QQ cannot let a member send text only, so ``restrict``
is not offered.
"""

from __future__ import annotations

from typing import Any

from bot.adapters.shared.support import ascii_int
from bot.core.outgoing import ModAction

KINDS = frozenset(("delete", "mute", "unmute", "kick"))
MAX_BAN_S = 30 * 86400  # QQ's longest mute


def action_call(group_id: int, action: ModAction) -> tuple[str, dict[str, Any]]:
    """(action, parameters) for one moderation action; ValueError when it cannot be expressed."""
    if action.kind == "delete":
        message_id = ascii_int(action.message_id, negative=True)
        if message_id is None:
            raise ValueError(f"not a OneBot message id: {action.message_id!r}")
        return "delete_msg", {"message_id": message_id}
    user_id = ascii_int(action.user.user_id) if action.user is not None else None
    if user_id is None:
        raise ValueError(f"not a QQ number: {action.user!r}")
    if action.kind == "mute":
        return "set_group_ban", {"group_id": group_id, "user_id": user_id,
                                 "duration": min(MAX_BAN_S, max(60, action.seconds))}
    if action.kind == "unmute":
        return "set_group_ban", {"group_id": group_id, "user_id": user_id, "duration": 0}
    if action.kind == "kick":
        return "set_group_kick", {"group_id": group_id, "user_id": user_id, "reject_add_request": False}
    raise ValueError(f"moderation action {action.kind!r} is not available on OneBot")
