"""Feishu event JSON (schema 2.0) → normalized events. Pure: no I/O, no clock."""

from __future__ import annotations

import json
import re
from typing import Any

from bot.adapters.shared.support import as_dict, as_list, as_str, bad, loads, unix_time
from bot.core.adapter import Parsed, WebReply
from bot.core.events import ChatRef, Event, MemberJoined, MemberLeft, Message, UserRef

MESSAGE = "im.message.receive_v1"
ADDED = "im.chat.member.user.added_v1"
DELETED = "im.chat.member.user.deleted_v1"
PLACEHOLDER = re.compile(r"@_[A-Za-z0-9_]++")  # mention keys: "@_user_1", "@_all"; possessive
SPACES = re.compile(r"[ \t]{2,}+")
MAX_KEY = 64  # longer "keys" are not Feishu placeholders


def challenge_reply(payload: dict[str, Any]) -> WebReply:
    body = json.dumps({"challenge": as_str(payload.get("challenge"))}).encode()
    return WebReply(200, body, "application/json")


def _fill_placeholders(text: str, labels: dict[str, str]) -> str:
    """Replace ``@_user_N`` placeholders (the longest matching key first) in one linear pass; one
    ``str.replace`` per mention would cost mentions × text."""
    keys = {k: v for k, v in labels.items() if k.startswith("@_") and len(k) <= MAX_KEY}
    lengths = sorted({len(k) for k in keys}, reverse=True)

    def one(m: re.Match[str]) -> str:
        token = m.group()
        n = next((n for n in lengths if n <= len(token) and token[:n] in keys), 0)
        return keys[token[:n]] + token[n:] if n else token

    return PLACEHOLDER.sub(one, text) if keys else text


def _ms(value: Any) -> float:
    return unix_time(value, "create_time", scale=1000.0, strings=True)


def _post_text(content: dict[str, Any], mentions: dict[str, str]) -> str:
    """Flatten a ``post`` (rich text) body: its title and text/link/at elements."""
    body = content
    if "content" not in body:  # {"zh_cn": {"title":..., "content": [...]}}
        body = next((as_dict(v) for v in content.values() if isinstance(v, dict)), {})
    lines = [as_str(body.get("title"))] if body.get("title") else []
    for para in as_list(body.get("content")):
        if not isinstance(para, list):
            continue
        out = []
        for el in para:
            el = as_dict(el)
            tag = el.get("tag")
            if tag in ("text", "a", "code_block", "md"):
                out.append(as_str(el.get("text")))
            elif tag == "at":
                uid = as_str(el.get("user_id"))
                out.append(mentions.get(uid, "@" + as_str(el.get("user_name") or uid)))
        lines.append("".join(out))
    return "\n".join(lines)


def message_event(adapter: str, payload: dict[str, Any], bot_open_id: str) -> Parsed:
    event = as_dict(payload.get("event"))
    msg, sender = as_dict(event.get("message")), as_dict(event.get("sender"))
    message_id, chat_id = as_str(msg.get("message_id")), as_str(msg.get("chat_id"))
    open_id = as_str(as_dict(sender.get("sender_id")).get("open_id"))
    if not message_id or not chat_id or not open_id:
        raise bad("message event without message_id, chat_id or sender open_id")
    if msg.get("chat_type") != "group":
        return Parsed(key=message_id, ignored="private_chat")
    if sender.get("sender_type", "user") != "user":
        return Parsed(key=message_id, ignored="not_a_user")
    mentions: list[UserRef] = []
    labels: dict[str, str] = {}  # placeholder key or open_id → replacement text
    mentions_bot = False
    for m in as_list(msg.get("mentions")):
        m = as_dict(m)
        key, oid, name = as_str(m.get("key")), as_str(as_dict(m.get("id")).get("open_id")), as_str(m.get("name"))
        if bot_open_id and oid == bot_open_id:
            mentions_bot = True
            labels[key] = labels[oid] = ""
            continue
        if oid:
            mentions.append(UserRef(adapter, oid))
        labels[key] = labels[oid] = "@" + (name or oid or "all")
    content = as_dict(loads(as_str(msg.get("content")) or "{}"))
    kind = msg.get("message_type")
    if kind == "text":
        text = _fill_placeholders(as_str(content.get("text")), labels)
    elif kind == "post":
        text = _post_text(content, labels)
    else:
        text = ""  # images, files, stickers: activity without text
    text = SPACES.sub(" ", text).strip()
    parent = as_str(msg.get("parent_id"))
    ev = Message(event_id=message_id, chat=ChatRef(adapter, chat_id), user=UserRef(adapter, open_id),
                 time=_ms(msg.get("create_time")), text=text, reply_to=parent or None,
                 mentions=tuple(mentions), mentions_bot=mentions_bot)
    return Parsed(key=message_id, events=(ev,))


def member_event(adapter: str, payload: dict[str, Any], event_type: str) -> Parsed:
    head, event = as_dict(payload.get("header")), as_dict(payload.get("event"))
    event_id, chat_id = as_str(head.get("event_id")), as_str(event.get("chat_id"))
    if not event_id or not chat_id:
        raise bad("member event without event_id or chat_id")
    when = _ms(head.get("create_time"))
    chat = ChatRef(adapter, chat_id)
    chat_name = as_str(event.get("name"))
    operator = as_str(as_dict(event.get("operator_id")).get("open_id"))
    out: list[Event] = []
    for u in as_list(event.get("users")):
        u = as_dict(u)
        oid = as_str(as_dict(u.get("user_id")).get("open_id"))
        if not oid:
            continue
        who = UserRef(adapter, oid)
        eid = f"{event_id}:{oid}"
        if event_type == ADDED:
            inviter = UserRef(adapter, operator) if operator and operator != oid else None
            out.append(MemberJoined(event_id=eid, chat=chat, user=who, time=when, user_name=as_str(u.get("name")),
                                    chat_name=chat_name, invited_by=inviter))
        else:
            out.append(MemberLeft(event_id=eid, chat=chat, user=who, time=when, chat_name=chat_name))
    if not out:
        return Parsed(key=event_id, ignored="no_users")
    return Parsed(key=event_id, events=tuple(out))


def parse_payload(adapter: str, payload: dict[str, Any], bot_open_id: str) -> Parsed:
    """A decrypted, authenticated callback → Parsed (challenge reply, events, or ignored)."""
    if payload.get("type") == "url_verification":
        return Parsed(key=None, reply=challenge_reply(payload))
    if payload.get("schema") != "2.0":
        return Parsed(key=None, ignored="v1_event")
    event_type = as_str(as_dict(payload.get("header")).get("event_type"))
    if event_type == MESSAGE:
        return message_event(adapter, payload, bot_open_id)
    if event_type in (ADDED, DELETED):
        return member_event(adapter, payload, event_type)
    return Parsed(key=as_str(as_dict(payload.get("header")).get("event_id")) or None, ignored="unsupported_event")
