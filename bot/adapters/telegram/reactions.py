"""Reactions on the Telegram wire (pure).

A ``message_reaction`` update (``MessageReactionUpdated``: ``chat``, ``message_id``, ``user`` — absent for an
anonymous admin, who sends ``actor_chat`` instead — ``date``, ``old_reaction``, ``new_reaction``) reaches a
bot only when it is an admin of the group and the webhook's ``allowed_updates`` lists ``message_reaction``.
A reaction taken back (``new_reaction`` empty) and anonymous reactions name nobody and are ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bot.adapters.shared.support import id_field
from bot.adapters.telegram.fields import date, obj, optional, string
from bot.core.adapter import Parsed
from bot.core.events import ChatRef, Reaction, UserRef

GROUP_TYPES = ("group", "supergroup")


def message_reaction(adapter: str, group: Callable[[str], ChatRef], key: str, upd: Mapping[str, Any]) -> Parsed:
    """The Reaction an update carries, else ignored; ``group`` maps a chat id to the group (an old id to its
    current one)."""
    chat = obj(upd, "chat")
    chat_id = id_field(chat, "id")
    at = date(upd)
    user = optional(upd, "user")
    if string(chat, "type") not in GROUP_TYPES:
        return Parsed(key=key, ignored="channel")
    added = upd.get("new_reaction")
    if user is None or not isinstance(added, list) or not added:
        return Parsed(key=key, ignored="reaction")
    return Parsed(key=key, events=(Reaction(
        event_id=f"r{key}", chat=group(chat_id), user=UserRef(adapter, id_field(user, "id")),
        time=at, message_id=id_field(upd, "message_id"), chat_name=string(chat, "title")),))
