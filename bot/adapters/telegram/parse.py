"""Telegram ``Update`` JSON → normalized events and what they teach (pure: the state is only read)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.adapters.shared.support import bad, id_field
from bot.adapters.telegram.buttons import callback_query
from bot.adapters.telegram.fields import date, obj, optional, string, user_name
from bot.adapters.telegram.joins import join_request
from bot.adapters.telegram.member_updates import GROUP_TYPES, MemberUpdates
from bot.adapters.telegram.polls import poll_answer
from bot.adapters.telegram.reactions import message_reaction
from bot.adapters.telegram.state import TelegramState
from bot.adapters.telegram.text import command_address, mentions_in
from bot.core.adapter import Learned, Parsed
from bot.core.events import ChatRef, Event, GroupMoved, JoinRequest, MemberJoined, MemberLeft, Message

CONTENT_KEYS = ("text", "caption", "photo", "sticker", "video", "voice", "audio", "document", "animation",
                "video_note", "poll", "location", "contact", "dice", "venue", "story")
IGNORED_UPDATES = {"edited_message": "edited", "edited_channel_post": "edited", "channel_post": "channel",
                   "business_message": "unsupported", "edited_business_message": "edited"}


class UpdateParser(MemberUpdates):
    """Parses one update against ``state`` (never changing it); ``learned`` collects what it teaches."""

    def __init__(self, name: str, state: TelegramState, now: float = 0.0) -> None:
        self.name = name
        self.st = state
        self.now = now  # arrival time, for updates that carry no date (poll_answer)
        self.learned: list[Learned] = []

    def parse(self, payload: Any) -> Parsed:
        if not isinstance(payload, dict):
            raise bad("body must be a JSON object")
        uid = payload.get("update_id")
        if isinstance(uid, bool) or not isinstance(uid, int):
            raise bad("missing field: update_id")
        key = str(uid)
        for field, reason in IGNORED_UPDATES.items():
            if field in payload:
                return Parsed(key=key, ignored=reason)
        if "message" in payload:
            msg = obj(payload, "message")
            return self.message(key, msg)
        if "chat_member" in payload:
            upd = obj(payload, "chat_member")
            return self.chat_member(key, upd)
        if "my_chat_member" in payload:
            upd = obj(payload, "my_chat_member")
            return self.my_chat_member(key, upd)
        if "message_reaction" in payload:
            return message_reaction(self.name, self.chat, key, obj(payload, "message_reaction"))
        if "poll_answer" in payload:
            return poll_answer(self.name, key, obj(payload, "poll_answer"), self.now)
        if "callback_query" in payload:
            return callback_query(self.name, self.chat, key, obj(payload, "callback_query"), self.now)
        if "chat_join_request" in payload:
            req = obj(payload, "chat_join_request")
            return self.join_request(key, payload, req)
        return Parsed(key=key, ignored="unsupported")

    # -- messages ---------------------------------------------------------------------------------
    def message(self, key: str, msg: Mapping[str, Any]) -> Parsed:
        chat = obj(msg, "chat")
        chat_id, chat_type = id_field(chat, "id"), string(chat, "type")
        sender = optional(msg, "from")
        if chat_type == "private":
            return self.private_message(key, msg, sender)
        if chat_type not in GROUP_TYPES:
            return Parsed(key=key, ignored="channel")
        at, title = date(msg), string(chat, "title")
        if "migrate_to_chat_id" in msg or "migrate_from_chat_id" in msg:
            return Parsed(key=key, events=(self.moved(msg, chat_id, at, title),))
        if "new_chat_members" in msg or "left_chat_member" in msg:
            return self.service_membership(key, msg, chat_id, at, title, sender)
        if not any(k in msg for k in CONTENT_KEYS):
            return Parsed(key=key, ignored="service")
        return Parsed(key=key, events=(self.group_message(msg, chat_id, at, title, sender),))

    def private_message(self, key: str, msg: Mapping[str, Any], sender: Mapping[str, Any] | None) -> Parsed:
        """Private chats grant DM consent; commands, and an undecided applicant's messages (the gate's
        private answer), become events: a Message whose chat id is the user id."""
        if sender is None:
            return Parsed(key=key, ignored="private")
        uid = id_field(sender, "id")
        at = date(msg)  # validated first: a rejected update must not grant DM consent
        self.learned += self.st.dm_facts(uid, True)
        text = next((v for v in (msg.get("text"), msg.get("caption")) if isinstance(v, str)), "")
        # commands from anyone (not /start: it only opens the chat); other text only from an applicant
        command = text.lstrip().startswith("/") and text.split(maxsplit=1)[0].split("@")[0] != "/start"
        if self.st.applicant(uid, at) is None and not command:
            return Parsed(key=key, ignored="private")
        return Parsed(key=key, events=(Message(
            event_id=id_field(msg, "message_id"), chat=ChatRef(self.name, uid), user=self.user(uid), time=at,
            text=text, user_name=user_name(sender)),))

    def join_request(self, key: str, payload: Mapping[str, Any], req: Mapping[str, Any]) -> Parsed:
        """``chat_join_request`` → JoinRequest; the applicant may then be messaged privately."""
        chat, sender = obj(req, "chat"), obj(req, "from")
        chat_id, uid, at = id_field(chat, "id"), id_field(sender, "id"), date(req)
        private_chat = id_field(req, "user_chat_id") if req.get("user_chat_id") is not None else uid
        link = optional(req, "invite_link")
        bio, link_name = req.get("bio"), link.get("name") if link is not None else None
        if not isinstance(bio, str | None) or not isinstance(link_name, str | None):
            raise bad("fields bio and invite_link.name must be strings")
        if string(chat, "type") not in GROUP_TYPES:
            return Parsed(key=key, ignored="channel")
        # the wire helper, fed only validated values
        ev = join_request(self.name, {"update_id": key, "chat_join_request": {
            "chat": {"id": self.st.resolve(chat_id), "title": string(chat, "title")},
            "from": {"id": uid, "first_name": user_name(sender)}, "date": at, "user_chat_id": private_chat,
            "bio": bio or "", "invite_link": {"name": link_name or ""}}})
        assert isinstance(ev, JoinRequest)
        self.learned += self.st.applicant_facts(uid, private_chat, at)
        return Parsed(key=key, events=(ev,))

    def moved(self, msg: Mapping[str, Any], chat_id: str, at: float, title: str) -> GroupMoved:
        if "migrate_to_chat_id" in msg:
            old, new = chat_id, id_field(msg, "migrate_to_chat_id")
        else:
            old, new = id_field(msg, "migrate_from_chat_id"), chat_id
        sender = optional(msg, "from")
        who = id_field(sender, "id") if sender is not None else (self.st.bot_id or "0")
        self.learned += self.st.alias_facts(old, new)  # only once everything validated: a 400 learns nothing
        return GroupMoved(event_id=f"moved:{old}", chat=ChatRef(self.name, self.st.resolve(new)),
                          user=self.user(who), time=at, old_chat_id=old, chat_name=title)

    def service_membership(self, key: str, msg: Mapping[str, Any], chat_id: str, at: float, title: str,
                           sender: Mapping[str, Any] | None) -> Parsed:
        joined = msg.get("new_chat_members")
        left = optional(msg, "left_chat_member")
        people = [u for u in joined if isinstance(u, dict)] if isinstance(joined, list) else []
        if joined is not None and not isinstance(joined, list):
            raise bad("field new_chat_members must be an array")
        actor = id_field(sender, "id") if sender is not None else ""
        # validate every id before the first state change: a rejected update must learn nothing
        uids, left_id = [id_field(u, "id") for u in people], id_field(left, "id") if left is not None else ""
        mid = id_field(msg, "message_id") if people or left is not None else ""
        events: list[Event] = []
        for u, uid in zip(people, uids, strict=True):
            if self.st.is_bot(uid, string(u, "username")):
                self.learned += self.st.status_facts(chat_id, self.st.bot_status.get(chat_id, "member"))
                continue
            inviter = self.user(actor) if actor and actor != uid else None
            events.append(MemberJoined(event_id=f"{mid}:join:{uid}", chat=self.chat(chat_id),
                                       user=self.user(uid), time=at, user_name=user_name(u), chat_name=title,
                                       invited_by=inviter))
        if left is not None:
            if self.st.is_bot(left_id, string(left, "username")):
                self.learned += self.st.status_facts(chat_id, "left")
            else:
                events.append(MemberLeft(event_id=f"{mid}:leave:{left_id}",
                                         chat=self.chat(chat_id), user=self.user(left_id), time=at, chat_name=title))
        if chat_id in self.st.chat_member_groups or self.st.resolve(chat_id) in self.st.chat_member_groups:
            return Parsed(key=key, ignored="membership_from_chat_member")
        if not events:
            return Parsed(key=key, ignored="bot_membership")
        return Parsed(key=key, events=tuple(events))

    def group_message(self, msg: Mapping[str, Any], chat_id: str, at: float, title: str,
                      sender: Mapping[str, Any] | None) -> Message:
        text = msg.get("text")
        entities_key = "entities"
        if not isinstance(text, str):
            caption = msg.get("caption")
            text, entities_key = (caption if isinstance(caption, str) else ""), "caption_entities"
        sender_chat = optional(msg, "sender_chat")
        is_admin: bool | None
        learn: tuple[str, str] | None = None  # the sender's username, learned once the update is valid
        if sender_chat is not None:
            uid = id_field(sender_chat, "id")
            name = string(sender_chat, "title") or string(sender_chat, "username")
            is_admin = True if uid == chat_id else None
        elif sender is not None:
            uid, name = id_field(sender, "id"), user_name(sender)
            username = string(sender, "username")
            if username:
                learn = (username.casefold(), uid)
            is_admin = self.st.admins.get((self.st.resolve(chat_id), uid))
        else:
            raise bad("message without a sender")
        mentions, mentions_bot = mentions_in(self.st, self.name, text, msg.get(entities_key), learn)
        reply_to = None
        replied = optional(msg, "reply_to_message")
        if replied is not None:
            reply_to = id_field(replied, "message_id")
            rfrom = optional(replied, "from")
            if rfrom is not None and self.st.is_bot(id_field(rfrom, "id"), string(rfrom, "username")):
                mentions_bot = True
        text, addressed_elsewhere, to_us = command_address(self.st, text)
        event_id = id_field(msg, "message_id")
        if learn is not None:
            self.learned += self.st.username_facts(*learn)
        return Message(event_id=event_id, chat=self.chat(chat_id), user=self.user(uid), time=at,
                       text=text, user_name=name, chat_name=title, reply_to=reply_to, mentions=mentions,
                       mentions_bot=mentions_bot or to_us, is_group_admin=is_admin,
                       addressed_elsewhere=addressed_elsewhere)
