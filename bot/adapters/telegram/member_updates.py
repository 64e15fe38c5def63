"""Telegram membership updates: ``chat_member`` (joins and leaves, with the invite link or the inviter) and
``my_chat_member`` (the bot's own status in a group, and whether a member blocked it privately)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.adapters.shared.support import id_field
from bot.adapters.telegram.fields import date, obj, optional, string, user_name
from bot.adapters.telegram.state import ADMIN_STATUSES, TelegramState
from bot.core.adapter import Learned, Parsed
from bot.core.events import ChatRef, MemberJoined, MemberLeft, UserRef

GROUP_TYPES = ("group", "supergroup")


class MemberUpdates:
    """The membership half of the update parser (mixed into ``UpdateParser``, which sets these fields)."""

    name: str
    st: TelegramState
    learned: list[Learned]

    def chat(self, chat_id: str) -> ChatRef:
        return ChatRef(self.name, self.st.resolve(chat_id))

    def user(self, user_id: str) -> UserRef:
        return UserRef(self.name, user_id)

    @staticmethod
    def _is_member(cm: Mapping[str, Any]) -> bool:
        status = cm.get("status")
        return status in ("creator", "administrator", "member") or (status == "restricted"
                                                                      and cm.get("is_member") is True)

    def chat_member(self, key: str, upd: Mapping[str, Any]) -> Parsed:
        chat = obj(upd, "chat")
        old, new = obj(upd, "old_chat_member"), obj(upd, "new_chat_member")
        chat_id, title, at = id_field(chat, "id"), string(chat, "title"), date(upd)
        if string(chat, "type") not in GROUP_TYPES:
            return Parsed(key=key, ignored="channel")
        member = obj(new, "user")
        uid = id_field(member, "id")
        # validate the rest before the first state change: a rejected update must learn nothing
        performer = optional(upd, "from")
        actor = id_field(performer, "id") if performer is not None else ""
        link = optional(upd, "invite_link")
        link_name = string(link, "name") if link is not None else ""
        creator = optional(link, "creator") if link is not None else None
        link_creator = id_field(creator, "id") if creator is not None else ""
        self.learned += self.st.chat_member_facts(self.st.resolve(chat_id))
        if self.st.is_bot(uid, string(member, "username")):
            self.learned += self.st.status_facts(chat_id, string(new, "status"))
            return Parsed(key=key, ignored="bot_status")
        self.learned += self.st.admin_facts(self.st.resolve(chat_id), uid, string(new, "status") in ADMIN_STATUSES)
        was, now = self._is_member(old), self._is_member(new)
        if was == now:
            return Parsed(key=key, ignored="member_status")
        if not now:
            return Parsed(key=key, events=(MemberLeft(event_id=f"cm:{uid}:{int(at)}:leave", chat=self.chat(chat_id),
                                                      user=self.user(uid), time=at, chat_name=title),))
        inviter = link_creator if actor == uid else actor
        invited_by = self.user(inviter) if inviter and inviter != uid else None
        self.learned += self.st.decided_facts(uid)  # a member now: decided, by us or by an admin
        return Parsed(key=key, events=(MemberJoined(
            event_id=f"cm:{uid}:{int(at)}:join", chat=self.chat(chat_id), user=self.user(uid), time=at,
            user_name=user_name(member), chat_name=title, invited_by=invited_by, invite_link=link_name),))

    def my_chat_member(self, key: str, upd: Mapping[str, Any]) -> Parsed:
        chat = obj(upd, "chat")
        new = obj(upd, "new_chat_member")
        chat_id, status = id_field(chat, "id"), string(new, "status")
        if string(chat, "type") == "private":
            self.learned += self.st.dm_facts(chat_id, status not in ("kicked", "left"))
        elif string(chat, "type") in GROUP_TYPES:
            self.learned += self.st.status_facts(self.st.resolve(chat_id), status)
        return Parsed(key=key, ignored="bot_status")
